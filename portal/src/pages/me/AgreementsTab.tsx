/**
 * 我的协议: the data use agreements this account accepted (R5.5), each version with when it was
 * accepted and for which datasets, and its text as kept by the platform.
 */
import { Button, Modal, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatDateTime } from '../../../../console/src/format';
import { useAsync } from '../../../../console/src/hooks';
import { api, listOf } from '../../api';
import { LoadError } from '../../components/common';
import { datasetPath } from '../../components/DatasetList';
import type { Agreement, Application } from '../../types';

interface Accepted {
  version: number;
  title: string;
  body: string;
  acceptedAt: string;
  datasets: { code: string; name: string }[];
}

export function AgreementsTab() {
  const { t } = useTranslation();
  const [shown, setShown] = useState<Accepted | null>(null);
  // Drawn from the newest 100 applications (the list's largest page): an agreement version is
  // accepted with each application, so older ones repeat the versions shown.
  const accepted = useAsync(async (signal) => {
    const [applications, agreements] = await Promise.all([
      api.get<unknown>('/open/applications', { signal, query: { box: 'mine', limit: 100 } }),
      api.get<unknown>('/open/agreements', { signal }),
    ]);
    const texts = new Map(listOf<Agreement>(agreements).map((entry) => [entry.version, entry]));
    const byVersion = new Map<number, Accepted>();
    for (const application of listOf<Application>(applications)) {
      const text = texts.get(application.agreementVersion);
      const entry = byVersion.get(application.agreementVersion) ?? {
        version: application.agreementVersion,
        title: text?.title ?? '',
        body: text?.body ?? '',
        acceptedAt: application.agreementAcceptedAt,
        datasets: [],
      };
      if (application.agreementAcceptedAt < entry.acceptedAt)
        entry.acceptedAt = application.agreementAcceptedAt;
      entry.datasets.push({ code: application.datasetCode, name: application.datasetName });
      byVersion.set(application.agreementVersion, entry);
    }
    return [...byVersion.values()].sort((a, b) => b.version - a.version);
  }, 'accepted-agreements');

  if (accepted.error) return <LoadError error={accepted.error} onRetry={accepted.reload} />;
  return (
    <>
      <Table<Accepted>
        size="small"
        rowKey="version"
        loading={accepted.loading}
        dataSource={accepted.data ?? []}
        data-testid="agreements-table"
        locale={{ emptyText: t('agreements.empty') }}
        pagination={false}
        columns={[
          {
            title: t('agreements.version'),
            dataIndex: 'version',
            key: 'version',
            render: (version: number) => t('agreements.versionLabel', { version }),
          },
          { title: t('agreements.title'), dataIndex: 'title', key: 'title' },
          {
            title: t('agreements.acceptedAt'),
            dataIndex: 'acceptedAt',
            key: 'acceptedAt',
            render: (at: string) => formatDateTime(at),
          },
          {
            title: t('agreements.datasets'),
            key: 'datasets',
            render: (_v, entry) =>
              entry.datasets.map((dataset) => (
                <div key={dataset.code}>
                  <Link to={datasetPath(dataset.code)}>{dataset.name}</Link>
                </div>
              )),
          },
          {
            title: '',
            key: 'text',
            render: (_v, entry) => (
              <Button
                size="small"
                onClick={() => {
                  setShown(entry);
                }}
                data-testid={`agreement-show-${entry.version}`}
              >
                {t('agreements.show')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={shown !== null}
        title={
          shown
            ? `${shown.title}（${t('agreements.versionLabel', { version: shown.version })}）`
            : ''
        }
        footer={null}
        width={720}
        onCancel={() => {
          setShown(null);
        }}
      >
        <Typography.Paragraph className="pre-wrap" data-testid="accepted-agreement-text">
          {shown?.body}
        </Typography.Paragraph>
      </Modal>
    </>
  );
}
