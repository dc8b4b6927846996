/** Login and registration of public accounts (R1.3). */
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Result, Segmented, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { applyFieldErrors, errorText } from '../../../console/src/errors';
import { api } from '../api';
import { loginPath, safeReturnPath, useAuth } from '../auth';
import { PageLoading, useTitle } from '../components/common';
import type { Account, AccountKind } from '../types';

/** GB 32100 shape: 18 characters of the code's alphabet (no I, O, S, V, Z). The server checks the check digit. */
export const CREDIT_CODE_SHAPE = /^[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10}$/;

interface LoginValues {
  username: string;
  password: string;
}

export function LoginPage() {
  const { t } = useTranslation();
  const { status, login } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);
  const next = safeReturnPath(params.get('next'));
  useTitle(t('auth.loginTitle'));

  if (status === 'loading') return <PageLoading />;
  if (status === 'authenticated' && !submitting) return <Navigate to={next ?? '/me'} replace />;

  async function submit(values: LoginValues) {
    setSubmitting(true);
    setError(null);
    try {
      await login(values.username.trim(), values.password);
      void navigate(next ?? '/', { replace: true });
    } catch (e) {
      setError(e);
      setSubmitting(false);
    }
  }

  return (
    <div className="auth-page">
      <Card className="auth-card">
        <Typography.Title level={3}>{t('auth.loginTitle')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('auth.loginSubtitle')}</Typography.Paragraph>
        <Form<LoginValues>
          layout="vertical"
          data-testid="login-form"
          onFinish={(values) => {
            void submit(values);
          }}
        >
          <Form.Item
            name="username"
            label={t('auth.username')}
            rules={[{ required: true, whitespace: true, message: t('auth.usernameRequired') }]}
          >
            <Input
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
              prefix={<LockOutlined />}
              autoComplete="current-password"
              data-testid="login-password"
            />
          </Form.Item>
          {error ? (
            <Alert
              type="error"
              showIcon
              className="block-gap"
              title={errorText(t, error)}
              data-testid="login-error"
            />
          ) : null}
          <Button
            type="primary"
            htmlType="submit"
            block
            size="large"
            loading={submitting}
            data-testid="login-submit"
          >
            {t('auth.login')}
          </Button>
        </Form>
        <div className="auth-switch">
          {t('auth.noAccount')}{' '}
          <Link
            to={next ? `/register?next=${encodeURIComponent(next)}` : '/register'}
            data-testid="to-register"
          >
            {t('auth.registerNow')}
          </Link>
        </div>
        <div className="auth-switch">
          <Typography.Text type="secondary">{t('auth.staffHint')}</Typography.Text>{' '}
          <a href="/console/">{t('footer.console')}</a>
        </div>
      </Card>
    </div>
  );
}

interface RegisterValues {
  username: string;
  password: string;
  confirm: string;
  displayName: string;
  email: string;
  phone?: string;
  orgName?: string;
  creditCode?: string;
}

export function RegisterPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const [form] = Form.useForm<RegisterValues>();
  const [kind, setKind] = useState<AccountKind>('individual');
  const [error, setError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);
  const [created, setCreated] = useState<Account | null>(null);
  const next = safeReturnPath(params.get('next'));
  useTitle(t('auth.registerTitle'));

  async function submit(values: RegisterValues) {
    setSubmitting(true);
    setError(null);
    try {
      const phone = values.phone?.trim();
      const account = await api.post<Account>('/open/accounts', {
        kind,
        username: values.username.trim(),
        password: values.password,
        displayName: values.displayName.trim(),
        email: values.email.trim(),
        ...(phone ? { phone } : {}),
        ...(kind === 'organisation'
          ? {
              orgName: values.orgName?.trim() ?? '',
              creditCode: values.creditCode?.trim().toUpperCase() ?? '',
            }
          : {}),
      });
      setCreated(account);
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(e);
    } finally {
      setSubmitting(false);
    }
  }

  if (created) {
    const waiting = created.kind === 'organisation' || created.verification === 'pending';
    return (
      <div className="auth-page">
        <Card className="auth-card wide">
          <Result
            status={waiting ? 'info' : 'success'}
            data-testid="register-done"
            data-verification={created.verification}
            title={t('auth.registered', { username: created.username })}
            subTitle={
              created.verification === 'rejected'
                ? t('auth.registeredRejected')
                : waiting
                  ? t('auth.registeredPending')
                  : t('auth.registeredVerified')
            }
            extra={
              <Link to={next ? loginPath(next) : '/login'} data-testid="register-to-login">
                <Button type="primary">{t('auth.loginNow')}</Button>
              </Link>
            }
          />
        </Card>
      </div>
    );
  }

  const org = kind === 'organisation';
  return (
    <div className="auth-page">
      <Card className="auth-card wide">
        <Typography.Title level={3}>{t('auth.registerTitle')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('auth.registerSubtitle')}</Typography.Paragraph>
        <Segmented<AccountKind>
          block
          value={kind}
          className="block-gap"
          data-testid="register-kind"
          onChange={setKind}
          options={[
            { value: 'individual', label: t('auth.kind.individual') },
            { value: 'organisation', label: t('auth.kind.organisation') },
          ]}
        />
        {org ? (
          <Alert type="info" showIcon className="block-gap" title={t('auth.organisationHint')} />
        ) : null}
        <Form<RegisterValues>
          form={form}
          layout="vertical"
          data-testid="register-form"
          onFinish={(values) => {
            void submit(values);
          }}
        >
          {org ? (
            <>
              <Form.Item
                name="orgName"
                label={t('auth.orgName')}
                rules={[{ required: true, whitespace: true, message: t('auth.orgNameRequired') }]}
              >
                <Input maxLength={200} data-testid="register-org-name" />
              </Form.Item>
              <Form.Item
                name="creditCode"
                label={t('auth.creditCode')}
                extra={t('auth.creditCodeHint')}
                normalize={(v: string | undefined) => v?.toUpperCase().replace(/\s/g, '')}
                rules={[
                  { required: true, message: t('auth.creditCodeRequired') },
                  {
                    validator: (_r, v: string | undefined) =>
                      !v || CREDIT_CODE_SHAPE.test(v)
                        ? Promise.resolve()
                        : Promise.reject(new Error(t('auth.creditCodeShape'))),
                  },
                ]}
              >
                <Input maxLength={18} className="mono" data-testid="register-credit-code" />
              </Form.Item>
            </>
          ) : null}
          <Form.Item
            name="username"
            label={t('auth.username')}
            extra={t('auth.usernameHint')}
            rules={[
              { required: true, whitespace: true, message: t('auth.usernameRequired') },
              { min: 3, max: 64, message: t('auth.usernameLength') },
            ]}
          >
            <Input autoComplete="username" data-testid="register-username" />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('auth.password')}
            rules={[
              { required: true, message: t('auth.passwordRequired') },
              { min: 10, message: t('auth.passwordLength') },
            ]}
            hasFeedback
          >
            <Input.Password autoComplete="new-password" data-testid="register-password" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label={t('auth.confirm')}
            dependencies={['password']}
            hasFeedback
            rules={[
              { required: true, message: t('auth.confirmRequired') },
              ({ getFieldValue }) => ({
                validator: (_r, v: string | undefined) =>
                  !v || getFieldValue('password') === v
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('auth.confirmMismatch'))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" data-testid="register-confirm" />
          </Form.Item>
          <Form.Item
            name="displayName"
            label={org ? t('auth.contactName') : t('auth.displayName')}
            rules={[{ required: true, whitespace: true, message: t('auth.displayNameRequired') }]}
          >
            <Input maxLength={100} data-testid="register-display-name" />
          </Form.Item>
          <Form.Item
            name="email"
            label={t('auth.email')}
            rules={[
              { required: true, message: t('auth.emailRequired') },
              { type: 'email', message: t('auth.emailInvalid') },
            ]}
          >
            <Input autoComplete="email" data-testid="register-email" />
          </Form.Item>
          <Form.Item
            name="phone"
            label={t('auth.phone')}
            rules={[{ pattern: /^[0-9+\-() ]{5,20}$/, message: t('auth.phoneInvalid') }]}
          >
            <Input autoComplete="tel" data-testid="register-phone" />
          </Form.Item>
          {error ? (
            <Alert
              type="error"
              showIcon
              className="block-gap"
              title={errorText(t, error)}
              data-testid="register-error"
            />
          ) : null}
          <Button
            type="primary"
            htmlType="submit"
            block
            size="large"
            loading={submitting}
            data-testid="register-submit"
          >
            {t('auth.register')}
          </Button>
        </Form>
        <div className="auth-switch">
          {t('auth.haveAccount')}{' '}
          <Link to={next ? loginPath(next) : '/login'}>{t('auth.login')}</Link>
        </div>
      </Card>
    </div>
  );
}
