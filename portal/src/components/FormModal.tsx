import { Button, Modal } from 'antd';
import type { FormInstance } from 'antd';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { applyFieldErrors } from '../../../console/src/errors';

/**
 * Submitting a portal form: busy while the call runs; a validation error lands on its fields, any
 * other error is kept for the form to show.
 */
export function useFormSubmit(form: FormInstance) {
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (work: () => Promise<void>) => {
    setSubmitting(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(e);
    } finally {
      setSubmitting(false);
    }
  };
  return { submitting, error, run };
}

/** A dialog around one form: 取消 and the submit button, which submits the form. */
export function FormModal({
  open,
  title,
  onClose,
  width,
  submitting,
  submitDisabled,
  submitLabel,
  submitTestId,
  onSubmit,
  children,
}: {
  open: boolean;
  title: ReactNode;
  onClose: () => void;
  width?: number;
  submitting: boolean;
  submitDisabled?: boolean;
  submitLabel: ReactNode;
  submitTestId: string;
  onSubmit: () => void;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      open={open}
      title={title}
      onCancel={onClose}
      width={width}
      destroyOnHidden
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t('common.cancel')}
        </Button>,
        <Button
          key="submit"
          type="primary"
          loading={submitting}
          disabled={submitDisabled}
          data-testid={submitTestId}
          onClick={onSubmit}
        >
          {submitLabel}
        </Button>,
      ]}
    >
      {children}
    </Modal>
  );
}
