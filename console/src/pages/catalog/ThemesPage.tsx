import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Form, Row, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../auth';
import type { CatalogTheme } from '../../catalog/model';
import { canManageThemes } from '../../catalog/roles';
import { ThemeNameItem, postTheme, useThemes } from '../../catalog/themes';
import type { ThemeValues } from '../../catalog/themes';
import { ForbiddenResult, LoadError, PageHeader } from '../../components/common';
import { formatDateTime } from '../../format';

/** 主题目录: the thematic catalogs of R2.3, extended by authority administrators. */
export function ThemesPage() {
  const { t } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const themes = useThemes();
  const [form] = Form.useForm<ThemeValues>();
  const [busy, setBusy] = useState(false);
  const [lastAdded, setLastAdded] = useState<string | null>(null);

  if (!canManageThemes(me)) return <ForbiddenResult />;
  const items = themes.data ?? [];
  const builtin = items.filter((th) => th.builtin).length;

  const add = async () => {
    setBusy(true);
    const created = await postTheme(form, t);
    setBusy(false);
    if (!created) return;
    message.success(t('themes.added', { name: created.name }));
    form.resetFields();
    setLastAdded(created.name);
    themes.reload();
  };

  const columns: TableColumnsType<CatalogTheme> = [
    {
      title: t('themes.name'),
      dataIndex: 'name',
      render: (name: string) => <Typography.Text strong>{name}</Typography.Text>,
    },
    {
      title: t('themes.source'),
      dataIndex: 'builtin',
      width: 130,
      render: (b: boolean) =>
        b ? (
          <Tag color="blue">{t('themes.builtin')}</Tag>
        ) : (
          <Tag color="green">{t('themes.custom')}</Tag>
        ),
    },
    {
      title: t('themes.createdBy'),
      dataIndex: 'createdBy',
      width: 140,
      render: (by: string, r) => (r.builtin ? t('common.none') : by),
    },
    {
      title: t('themes.createdAt'),
      dataIndex: 'createdAt',
      width: 180,
      render: (at: string, r) => (r.builtin ? t('common.none') : formatDateTime(at)),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('themes.title')}
        description={t('themes.description')}
        extra={
          <Button icon={<ReloadOutlined />} onClick={themes.reload}>
            {t('common.refresh')}
          </Button>
        }
      />
      <Row gutter={16}>
        <Col xs={24} xl={8}>
          <Card title={t('themes.add')} size="small" style={{ marginBottom: 16 }}>
            <Typography.Paragraph type="secondary">{t('themes.addHint')}</Typography.Paragraph>
            <Form<ThemeValues>
              form={form}
              layout="vertical"
              onFinish={() => {
                void add();
              }}
              data-testid="themes-form"
            >
              <ThemeNameItem testId="themes-name" />
              <Button
                type="primary"
                htmlType="submit"
                icon={<PlusOutlined />}
                loading={busy}
                data-testid="themes-add"
              >
                {t('themes.add')}
              </Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} xl={16}>
          <Card size="small">
            <div className="table-toolbar" style={{ marginBottom: 8 }}>
              <Space>
                <Typography.Text type="secondary">
                  {t('themes.counts', { builtin, custom: items.length - builtin })}
                </Typography.Text>
              </Space>
            </div>
            {themes.error ? (
              <LoadError error={themes.error} onRetry={themes.reload} />
            ) : (
              <Table<CatalogTheme>
                rowKey="name"
                size="small"
                loading={themes.loading}
                columns={columns}
                dataSource={items}
                rowClassName={(r) => (r.name === lastAdded ? 'row-new' : '')}
                locale={{ emptyText: t('themes.empty') }}
                pagination={{ pageSize: 50, hideOnSinglePage: true }}
                data-testid="themes-table"
              />
            )}
          </Card>
        </Col>
      </Row>
    </>
  );
}
