import { Alert, Form, Input, Modal, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { applyFieldErrors, errorText } from '../../errors';

interface NoteValues {
  note?: string;
}

/**
 * 通过 / 驳回 with a note (required to refuse): the showcase moderation and the verification of
 * public accounts both post `{approve, note?}`.
 */
export function ModerateModal({
  approve,
  path,
  title,
  summary,
  testId,
  onClose,
  onDone,
}: {
  /** null: closed. */
  approve: boolean | null;
  path: string;
  title: string;
  summary?: ReactNode;
  testId: string;
  onClose: () => void;
  onDone: (approved: boolean) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<NoteValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    if (approve === null) return;
    let values: NoteValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const note = values.note?.trim();
      await api.post<unknown>(path, { approve, ...(note ? { note } : {}) });
      onDone(approve);
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={approve !== null}
      title={title}
      okText={approve ? t('open.common.approve') : t('open.common.reject')}
      okButtonProps={{ danger: approve === false, 'data-testid': `${testId}-submit` }}
      confirmLoading={busy}
      onOk={() => {
        void submit();
      }}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      destroyOnHidden
    >
      {summary ? <Typography.Paragraph>{summary}</Typography.Paragraph> : null}
      {error ? (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 16 }}
          data-testid={`${testId}-error`}
        />
      ) : null}
      <Form<NoteValues> form={form} layout="vertical" preserve={false}>
        <Form.Item
          name="note"
          label={approve ? t('open.common.noteOptional') : t('open.common.rejectNote')}
          rules={
            approve
              ? []
              : [
                  { required: true, whitespace: true, message: t('open.common.noteRequired') },
                  { min: 2, message: t('open.common.noteRequired') },
                ]
          }
        >
          <Input.TextArea rows={3} maxLength={1000} showCount data-testid={`${testId}-note`} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
