import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api';
import { useAuth } from '../auth';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { errorText } from '../errors';

interface LoginValues {
  username: string;
  password: string;
}

export function LoginPage() {
  const { t } = useTranslation();
  const { login, expired } = useAuth();
  const { message } = App.useApp();
  const [form] = Form.useForm<LoginValues>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onFinish = async (values: LoginValues) => {
    setSubmitting(true);
    setError(null);
    try {
      await login(values.username.trim(), values.password);
      message.destroy();
      // The login route redirects to the console once the session is established.
    } catch (e) {
      setSubmitting(false);
      if (e instanceof ApiError && e.code === 'RATE_LIMITED') {
        setError(e.message || t('auth.throttled'));
      } else {
        setError(errorText(t, e));
      }
      form.setFieldValue('password', '');
    }
  };

  return (
    <div className="login-page">
      <div className="login-lang">
        <LanguageSwitch />
      </div>
      <Card className="login-card" variant="borderless">
        <div className="login-brand">
          <img src={`${import.meta.env.BASE_URL}favicon.svg`} alt="" />
          <div>
            <Typography.Title level={4} style={{ margin: 0 }}>
              {t('app.title')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('auth.subtitle')}</Typography.Text>
          </div>
        </div>
        {expired && !error ? (
          <Alert
            type="info"
            showIcon
            title={t('errors.sessionExpired')}
            style={{ marginBottom: 16 }}
          />
        ) : null}
        {error ? (
          <Alert
            type="error"
            showIcon
            title={error}
            style={{ marginBottom: 16 }}
            data-testid="login-error"
          />
        ) : null}
        <Form<LoginValues>
          form={form}
          layout="vertical"
          requiredMark={false}
          onFinish={(values) => {
            void onFinish(values);
          }}
          autoComplete="on"
        >
          <Form.Item
            name="username"
            label={t('auth.username')}
            rules={[{ required: true, whitespace: true, message: t('auth.usernameRequired') }]}
          >
            <Input
              size="large"
              prefix={<UserOutlined />}
              autoComplete="username"
              autoFocus
              data-testid="login-username"
            />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('auth.password')}
            rules={[{ required: true, message: t('auth.passwordRequired') }]}
          >
            <Input.Password
              size="large"
              prefix={<LockOutlined />}
              autoComplete="current-password"
              data-testid="login-password"
            />
          </Form.Item>
          <Form.Item style={{ marginBottom: 0, marginTop: 8 }}>
            <Button
              type="primary"
              htmlType="submit"
              size="large"
              block
              loading={submitting}
              data-testid="login-submit"
            >
              {t('auth.submit')}
            </Button>
          </Form.Item>
        </Form>
      </Card>
    </div>
  );
}
