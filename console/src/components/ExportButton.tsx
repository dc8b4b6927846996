import { FileExcelOutlined } from '@ant-design/icons';
import { App, Button } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** 导出 Excel: runs `onExport` (which builds and downloads the file) with a loading state. */
export function ExportButton({
  onExport,
  disabled,
  testId,
}: {
  onExport: () => Promise<void>;
  disabled?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);

  const run = async () => {
    setBusy(true);
    try {
      await onExport();
    } catch (e) {
      console.error(e);
      message.error(t('common.exportFailed'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Button
      icon={<FileExcelOutlined />}
      loading={busy}
      disabled={disabled}
      onClick={() => {
        void run();
      }}
      data-testid={testId}
    >
      {t('common.exportExcel')}
    </Button>
  );
}
