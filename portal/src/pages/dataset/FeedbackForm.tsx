/** 纠错反馈 (R5.7): a signed-in visitor reports an error, an omission or an infringement. */
import { Alert, Button, Form, Input, Radio, Result } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router-dom';
import { applyFieldErrors, errorText } from '../../../../console/src/errors';
import { formatDate } from '../../../../console/src/format';
import { api } from '../../api';
import { loginPath, useAuth } from '../../auth';
import type { FeedbackCategory } from '../../types';

const CATEGORIES: FeedbackCategory[] = ['error', 'omission', 'infringement'];

interface FeedbackValues {
  category: FeedbackCategory;
  description: string;
  contact?: string;
}

export function FeedbackForm({ code }: { code: string }) {
  const { t } = useTranslation();
  const { account, status } = useAuth();
  const location = useLocation();
  const [form] = Form.useForm<FeedbackValues>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<{ code: string; dueDate: string } | null>(null);

  if (status !== 'loading' && !account) {
    return (
      <Alert
        type="info"
        showIcon
        data-testid="feedback-login-required"
        title={t('feedback.loginRequired')}
        action={
          <Link
            to={loginPath(`${location.pathname}${location.search}`)}
            data-testid="feedback-login"
          >
            <Button type="primary">{t('access.login')}</Button>
          </Link>
        }
      />
    );
  }

  if (done) {
    return (
      <Result
        status="success"
        data-testid="feedback-result"
        title={t('feedback.done', { code: done.code })}
        subTitle={t('feedback.due', { date: formatDate(done.dueDate) })}
        extra={[
          <Link key="mine" to="/me?tab=feedback">
            <Button>{t('feedback.mine')}</Button>
          </Link>,
          <Button
            key="again"
            onClick={() => {
              setDone(null);
            }}
          >
            {t('feedback.again')}
          </Button>,
        ]}
      />
    );
  }

  async function submit(values: FeedbackValues) {
    setSubmitting(true);
    setError(null);
    try {
      const contact = values.contact?.trim();
      const answer = await api.post<{ code: string; dueDate: string }>(
        `/open/datasets/${encodeURIComponent(code)}/feedback`,
        {
          category: values.category,
          description: values.description.trim(),
          ...(contact ? { contact } : {}),
        },
      );
      form.resetFields();
      setDone(answer);
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(e);
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <Form<FeedbackValues>
      form={form}
      layout="vertical"
      className="narrow-form"
      initialValues={{ category: 'error' }}
      data-testid="feedback-form"
      onFinish={(values) => {
        void submit(values);
      }}
    >
      <Alert type="info" showIcon className="block-gap" title={t('feedback.hint')} />
      <Form.Item name="category" label={t('feedback.category')} rules={[{ required: true }]}>
        <Radio.Group
          optionType="button"
          data-testid="feedback-category"
          options={CATEGORIES.map((c) => ({ value: c, label: t(`feedback.categories.${c}`) }))}
        />
      </Form.Item>
      <Form.Item
        name="description"
        label={t('feedback.description')}
        rules={[{ required: true, whitespace: true, message: t('feedback.descriptionRequired') }]}
      >
        <Input.TextArea
          rows={5}
          maxLength={2000}
          showCount
          placeholder={t('feedback.descriptionHint')}
          data-testid="feedback-description"
        />
      </Form.Item>
      <Form.Item name="contact" label={t('feedback.contact')} extra={t('feedback.contactHint')}>
        <Input maxLength={200} data-testid="feedback-contact" />
      </Form.Item>
      {error ? (
        <Alert type="error" showIcon className="block-gap" title={errorText(t, error)} />
      ) : null}
      <Button type="primary" htmlType="submit" loading={submitting} data-testid="feedback-submit">
        {t('feedback.submit')}
      </Button>
    </Form>
  );
}
