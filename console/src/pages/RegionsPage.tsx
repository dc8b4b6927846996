import { EditOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Divider,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { forgetRegionSettings } from '../catalog/labels';
import { ForbiddenResult, LoadError, Mono, PageHeader } from '../components/common';
import { applyFieldErrors, errorText, isForbidden } from '../errors';
import { filterOptionByLabel } from '../format';
import { useAsync, useRetained } from '../hooks';
import { REGION_LEVELS } from '../types';
import type { ListResponse, Region, RegionLevel, RegionSettings } from '../types';

const LEVEL_COLORS: Record<RegionLevel, string> = {
  province: 'volcano',
  city: 'blue',
  county: 'green',
};

/** A preset of region settings (`GET /regions/presets`): the values of one source jurisdiction. */
interface RegionPreset {
  code: string;
  name: { zh: string; en: string };
  settings: RegionSettings;
  note: { zh: string; en: string };
}

interface CreateValues {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode?: string;
  preset?: string;
  settings: RegionSettings;
}

interface EditValues {
  name: string;
  preset?: string;
  settings: RegionSettings;
}

/** The settings the form shows: all of them, so that a preset never changes a value out of sight. */
function shownSettings(settings: RegionSettings): RegionSettings {
  return {
    shareReplyDays: settings.shareReplyDays,
    openReplyDays: settings.openReplyDays,
    catalogUpdateDays: settings.catalogUpdateDays,
    problemReplyDays: settings.problemReplyDays,
    problemUrgentReplyDays: settings.problemUrgentReplyDays,
    shareClassNames: { ...settings.shareClassNames },
  };
}

/**
 * The preset select and the setting fields, inside a region form. Choosing a preset fills the
 * fields with its values, which the user may still change: the preset's code is sent with the
 * fields, and the server applies the preset first and the fields over it.
 */
function SettingsFields({ presets, hint }: { presets: RegionPreset[]; hint: string }) {
  const { t, i18n } = useTranslation();
  const form = Form.useFormInstance<{ preset?: string; settings: RegionSettings }>();
  const chosen: string | undefined = Form.useWatch('preset', form);
  const english = i18n.language === 'en';
  const preset = presets.find((p) => p.code === chosen);

  const dayField = (
    key:
      | 'shareReplyDays'
      | 'openReplyDays'
      | 'catalogUpdateDays'
      | 'problemReplyDays'
      | 'problemUrgentReplyDays',
  ) => (
    <Col span={8}>
      <Form.Item
        name={['settings', key]}
        label={t(`regions.${key}`)}
        rules={[{ required: true, message: t('regions.daysRequired') }]}
      >
        <InputNumber
          min={1}
          max={key === 'problemUrgentReplyDays' ? 30 : 60}
          precision={0}
          style={{ width: '100%' }}
          suffix={t('regions.dayUnit')}
          data-testid={`region-${key}`}
        />
      </Form.Item>
    </Col>
  );
  const classField = (key: 'unconditional' | 'conditional' | 'none', label: string) => (
    <Col span={8}>
      <Form.Item
        name={['settings', 'shareClassNames', key]}
        label={label}
        rules={[{ required: true, whitespace: true, message: t('regions.classNameRequired') }]}
      >
        <Input maxLength={32} data-testid={`region-class-${key}`} />
      </Form.Item>
    </Col>
  );

  return (
    <>
      <Divider titlePlacement="start" plain>
        {t('regions.settings')}
      </Divider>
      <Form.Item
        name="preset"
        label={t('regions.preset')}
        extra={
          preset ? (
            <span data-testid="region-preset-note">
              {t('regions.presetSource')}
              {english ? preset.note.en : preset.note.zh}
            </span>
          ) : (
            hint
          )
        }
      >
        <Select
          allowClear
          placeholder={t('regions.presetPlaceholder')}
          options={presets.map((p) => ({ value: p.code, label: english ? p.name.en : p.name.zh }))}
          onChange={(code: string | undefined) => {
            const picked = presets.find((p) => p.code === code);
            // Clearing the preset keeps the values in the fields.
            if (picked) form.setFieldsValue({ settings: shownSettings(picked.settings) });
          }}
          data-testid="region-preset"
        />
      </Form.Item>
      <Row gutter={16} align="bottom">
        {dayField('shareReplyDays')}
        {dayField('openReplyDays')}
        {dayField('catalogUpdateDays')}
      </Row>
      <Row gutter={16} align="bottom">
        {dayField('problemReplyDays')}
        {dayField('problemUrgentReplyDays')}
      </Row>
      <Typography.Text strong>{t('regions.shareClassNames')}</Typography.Text>
      <Row gutter={16} style={{ marginTop: 8 }}>
        {classField('unconditional', t('regions.unconditional'))}
        {classField('conditional', t('regions.conditional'))}
        {classField('none', t('regions.noneShare'))}
      </Row>
    </>
  );
}

function CreateRegionModal({
  open,
  regions,
  presets,
  onClose,
  onCreated,
}: {
  open: boolean;
  regions: Region[];
  presets: RegionPreset[];
  onClose: () => void;
  onCreated: (region: Region) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<CreateValues>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A province (no parent) starts from the platform default, as on the server.
  const defaults = presets.find((p) => p.code === 'national-default')?.settings;

  const submit = async () => {
    let values: CreateValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      const region = await api.post<Region>('/regions', {
        code: values.code.trim(),
        name: values.name.trim(),
        level: values.level,
        ...(values.parentCode ? { parentCode: values.parentCode } : {}),
        ...(values.preset ? { preset: values.preset } : {}),
        settings: shownSettings(values.settings),
      });
      form.resetFields();
      onCreated(region);
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(errorText(t, e));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('regions.create')}
      okText={t('common.create')}
      confirmLoading={submitting}
      onOk={() => {
        void submit();
      }}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      width={720}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'region-form-submit' }}
    >
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Form<CreateValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={defaults ? { settings: shownSettings(defaults) } : {}}
        onValuesChange={(changed: Partial<CreateValues>, all: CreateValues) => {
          // Until a preset is chosen or a setting typed in, the settings start from the parent's
          // (what the server does without them).
          if (!('parentCode' in changed) || all.preset) return;
          if (form.isFieldsTouched(['settings'])) return; // any field under settings
          const parent = regions.find((r) => r.code === changed.parentCode);
          const start = parent?.settings ?? defaults;
          if (start) form.setFieldsValue({ settings: shownSettings(start) });
        }}
      >
        <Row gutter={16}>
          <Col span={10}>
            <Form.Item
              name="code"
              label={t('regions.code')}
              rules={[
                { required: true, message: t('regions.codeRequired') },
                { pattern: /^\d{6}$/, message: t('regions.codePattern') },
              ]}
            >
              <Input maxLength={6} placeholder="990200" className="mono" />
            </Form.Item>
          </Col>
          <Col span={14}>
            <Form.Item
              name="name"
              label={t('regions.name')}
              rules={[{ required: true, whitespace: true, message: t('regions.nameRequired') }]}
            >
              <Input maxLength={64} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={10}>
            <Form.Item
              name="level"
              label={t('regions.level')}
              rules={[{ required: true, message: t('regions.levelRequired') }]}
            >
              <Select
                options={REGION_LEVELS.map((l) => ({ value: l, label: t(`regionLevels.${l}`) }))}
              />
            </Form.Item>
          </Col>
          <Col span={14}>
            <Form.Item name="parentCode" label={t('regions.parent')}>
              <Select
                allowClear
                showSearch={{ filterOption: filterOptionByLabel }}
                placeholder={t('regions.parentNone')}
                options={regions
                  .filter((r) => r.level !== 'county')
                  .map((r) => ({ value: r.code, label: `${r.name}（${r.code}）` }))}
              />
            </Form.Item>
          </Col>
        </Row>
        <SettingsFields presets={presets} hint={t('regions.settingsHint')} />
      </Form>
    </Modal>
  );
}

function EditRegionModal({
  target,
  presets,
  onClose,
  onSaved,
}: {
  target: Region | null;
  presets: RegionPreset[];
  onClose: () => void;
  onSaved: (region: Region) => void;
}) {
  const { t } = useTranslation();
  const region = useRetained(target);
  const [form] = Form.useForm<EditValues>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    if (!region) return;
    let values: EditValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      const saved = await api.patch<Region>(`/regions/${encodeURIComponent(region.code)}`, {
        name: values.name.trim(),
        ...(values.preset ? { preset: values.preset } : {}),
        settings: shownSettings(values.settings),
      });
      onSaved(saved);
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(errorText(t, e));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Modal
      open={target !== null}
      title={region ? t('regions.editTitle', { name: region.name }) : ''}
      okText={t('common.save')}
      width={720}
      confirmLoading={submitting}
      onOk={() => {
        void submit();
      }}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'region-edit-submit' }}
    >
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      {region ? (
        <Form<EditValues>
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{ name: region.name, settings: shownSettings(region.settings) }}
        >
          <Row gutter={16}>
            <Col span={8}>
              <Form.Item label={t('regions.code')}>
                <Input value={region.code} disabled className="mono" />
              </Form.Item>
            </Col>
            <Col span={16}>
              <Form.Item
                name="name"
                label={t('regions.name')}
                rules={[{ required: true, whitespace: true, message: t('regions.nameRequired') }]}
              >
                <Input maxLength={64} />
              </Form.Item>
            </Col>
          </Row>
          <SettingsFields presets={presets} hint={t('regions.presetEditHint')} />
        </Form>
      ) : null}
    </Modal>
  );
}

export function RegionsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const list = useAsync(
    async (signal) => (await api.get<ListResponse<Region>>('/regions', { signal })).items,
    'regions',
  );
  // The presets fill the forms; without them (an error) the fields are still there to fill in.
  const presetList = useAsync(
    async (signal) =>
      (await api.get<ListResponse<RegionPreset>>('/regions/presets', { signal })).items,
    'region-presets',
  );
  const presets = useMemo(() => presetList.data ?? [], [presetList.data]);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Region | null>(null);
  const regions = useMemo(() => list.data ?? [], [list.data]);
  const byCode = useMemo(() => new Map(regions.map((r) => [r.code, r])), [regions]);

  if (list.error && isForbidden(list.error)) return <ForbiddenResult />;

  const days = (n: number) => t('common.workingDays', { count: n });
  const columns: TableColumnsType<Region> = [
    {
      title: t('regions.code'),
      dataIndex: 'code',
      width: 90,
      render: (code: string) => <Mono>{code}</Mono>,
    },
    { title: t('regions.name'), dataIndex: 'name', width: 120 },
    {
      title: t('regions.level'),
      dataIndex: 'level',
      width: 70,
      render: (level: RegionLevel) => (
        <Tag color={LEVEL_COLORS[level]}>{t(`regionLevels.${level}`)}</Tag>
      ),
    },
    {
      title: t('regions.parent'),
      dataIndex: 'parentCode',
      width: 140,
      render: (code: string | null) => {
        if (!code) return <Typography.Text type="secondary">—</Typography.Text>;
        const parent = byCode.get(code);
        return parent ? `${parent.name}（${code}）` : <Mono>{code}</Mono>;
      },
    },
    {
      title: t('regions.shareReplyShort'),
      key: 'shareReplyDays',
      width: 110,
      render: (_: unknown, r) => days(r.settings.shareReplyDays),
    },
    {
      title: t('regions.openReplyShort'),
      key: 'openReplyDays',
      width: 110,
      render: (_: unknown, r) => days(r.settings.openReplyDays),
    },
    {
      title: t('regions.catalogUpdateShort'),
      key: 'catalogUpdateDays',
      width: 110,
      render: (_: unknown, r) => days(r.settings.catalogUpdateDays),
    },
    {
      title: t('regions.shareClassNames'),
      key: 'shareClassNames',
      width: 260,
      render: (_: unknown, r) => (
        <Space size={4}>
          <Tag color="green">{r.settings.shareClassNames.unconditional}</Tag>
          <Tag color="gold">{r.settings.shareClassNames.conditional}</Tag>
          <Tag>{r.settings.shareClassNames.none}</Tag>
        </Space>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 80,
      fixed: 'right',
      render: (_: unknown, r) => (
        <Button
          type="link"
          size="small"
          icon={<EditOutlined />}
          onClick={() => {
            setEditing(r);
          }}
          data-testid={`region-edit-${r.code}`}
        >
          {t('common.edit')}
        </Button>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('regions.title')}
        description={t('regions.description')}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={list.reload}>
              {t('common.refresh')}
            </Button>
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => {
                setCreating(true);
              }}
              data-testid="regions-create"
            >
              {t('regions.create')}
            </Button>
          </>
        }
      />
      <Card>
        {list.error ? (
          <LoadError error={list.error} onRetry={list.reload} />
        ) : (
          <Table<Region>
            rowKey="code"
            size="middle"
            loading={list.loading}
            columns={columns}
            dataSource={regions}
            scroll={{ x: 1090 }}
            locale={{ emptyText: t('regions.empty') }}
            pagination={{
              pageSize: 20,
              hideOnSinglePage: true,
              showTotal: (n) => t('common.total', { count: n }),
            }}
            data-testid="regions-table"
          />
        )}
      </Card>
      <CreateRegionModal
        open={creating}
        regions={regions}
        presets={presets}
        onClose={() => {
          setCreating(false);
        }}
        onCreated={(r) => {
          setCreating(false);
          message.success(`${t('common.created')}：${r.name}`);
          list.reload();
        }}
      />
      <EditRegionModal
        target={editing}
        presets={presets}
        onClose={() => {
          setEditing(null);
        }}
        onSaved={(r) => {
          forgetRegionSettings();
          setEditing(null);
          message.success(`${t('common.saved')}：${r.name}`);
          list.reload();
        }}
      />
    </>
  );
}
