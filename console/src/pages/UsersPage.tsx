import {
  KeyOutlined,
  PlusOutlined,
  ReloadOutlined,
  StopOutlined,
  CheckCircleOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Badge,
  Button,
  Card,
  Col,
  Form,
  Input,
  Modal,
  Popconfirm,
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
import { hasRole, useMe } from '../auth';
import { ForbiddenResult, LoadError, Mono, PageHeader, RoleTag } from '../components/common';
import { ExportButton } from '../components/ExportButton';
import { exportFileName, exportRows } from '../excel';
import { applyFieldErrors, errorText, isForbidden } from '../errors';
import { filterOptionByLabel, formatDateTime } from '../format';
import { useAsync, useOrgs, useRetained } from '../hooks';
import { ROLES } from '../types';
import type { ListResponse, Me, Org, Role, User } from '../types';

interface OrgOption {
  value: string;
  label: string;
}

/** Roles the actor may grant, and in which organisations (null = any). */
function grantable(me: Me): { roles: Role[]; orgCodes: Set<string> | null } {
  if (hasRole(me, 'authority_admin')) return { roles: [...ROLES], orgCodes: null };
  const adminOf = me.memberships.filter((m) => m.role === 'dept_admin').map((m) => m.orgCode);
  if (adminOf.length > 0) {
    return { roles: ['dept_admin', 'dept_operator'], orgCodes: new Set(adminOf) };
  }
  return { roles: [], orgCodes: new Set() };
}

interface CreateValues {
  username: string;
  displayName: string;
  password: string;
  passwordConfirm: string;
  orgCode: string;
  role: Role;
}

function CreateUserModal({
  open,
  orgOptions,
  roles,
  defaultOrg,
  onClose,
  onCreated,
}: {
  open: boolean;
  orgOptions: OrgOption[];
  roles: Role[];
  defaultOrg: string | undefined;
  onClose: () => void;
  onCreated: (user: User) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<CreateValues>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);

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
      const user = await api.post<User>('/users', {
        username: values.username.trim(),
        password: values.password,
        displayName: values.displayName.trim(),
        orgCode: values.orgCode,
        role: values.role,
      });
      onCreated(user);
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(errorText(t, e));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('users.create')}
      okText={t('common.create')}
      confirmLoading={submitting}
      width={560}
      onOk={() => {
        void submit();
      }}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'user-form-submit' }}
    >
      {error ? (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 16 }}
          data-testid="user-form-error"
        />
      ) : null}
      <Form<CreateValues>
        form={form}
        layout="vertical"
        preserve={false}
        autoComplete="off"
        initialValues={{
          orgCode: defaultOrg,
          role: roles.includes('dept_operator') ? 'dept_operator' : roles[0],
        }}
        onFinish={() => {
          void submit();
        }}
      >
        <Form.Item
          name="username"
          label={t('users.username')}
          rules={[
            { required: true, whitespace: true, message: t('users.usernameRequired') },
            { pattern: /^[a-z0-9_.-]{3,64}$/, message: t('users.usernamePattern') },
          ]}
        >
          <Input autoComplete="off" className="mono" data-testid="user-form-username" />
        </Form.Item>
        <Form.Item
          name="displayName"
          label={t('users.displayName')}
          rules={[{ required: true, whitespace: true, message: t('users.displayNameRequired') }]}
        >
          <Input maxLength={64} data-testid="user-form-displayName" />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              name="password"
              label={t('users.password')}
              rules={[{ required: true, message: t('users.passwordRequired') }]}
            >
              <Input.Password autoComplete="new-password" data-testid="user-form-password" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="passwordConfirm"
              label={t('users.passwordConfirm')}
              dependencies={['password']}
              rules={[
                { required: true, message: t('users.passwordRequired') },
                ({ getFieldValue }) => ({
                  validator: (_, value: unknown) =>
                    !value || getFieldValue('password') === value
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('users.passwordMismatch'))),
                }),
              ]}
            >
              <Input.Password autoComplete="new-password" data-testid="user-form-passwordConfirm" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          name="orgCode"
          label={t('users.org')}
          rules={[{ required: true, message: t('users.orgRequired') }]}
        >
          <Select
            showSearch={{ filterOption: filterOptionByLabel }}
            options={orgOptions}
            data-testid="user-form-org"
          />
        </Form.Item>
        <Form.Item
          name="role"
          label={t('users.role')}
          extra={t('users.roleHint')}
          rules={[{ required: true, message: t('users.roleRequired') }]}
        >
          <Select
            options={roles.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
            data-testid="user-form-role"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface ResetValues {
  password: string;
  passwordConfirm: string;
}

function ResetPasswordModal({
  target,
  onClose,
  onDone,
}: {
  target: User | null;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const user = useRetained(target);
  const [form] = Form.useForm<ResetValues>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    if (!user) return;
    let values: ResetValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      await api.patch<User>(`/users/${encodeURIComponent(user.id)}`, { password: values.password });
      onDone();
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(errorText(t, e));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Modal
      open={target !== null}
      title={user ? t('users.resetPasswordTitle', { name: user.displayName || user.username }) : ''}
      okText={t('common.save')}
      confirmLoading={submitting}
      onOk={() => {
        void submit();
      }}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      destroyOnHidden
    >
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Form<ResetValues> form={form} layout="vertical" preserve={false} autoComplete="off">
        <Form.Item
          name="password"
          label={t('users.newPassword')}
          rules={[{ required: true, message: t('users.passwordRequired') }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="passwordConfirm"
          label={t('users.passwordConfirm')}
          dependencies={['password']}
          rules={[
            { required: true, message: t('users.passwordRequired') },
            ({ getFieldValue }) => ({
              validator: (_, value: unknown) =>
                !value || getFieldValue('password') === value
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('users.passwordMismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function UsersPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const [orgCode, setOrgCode] = useState<string | undefined>(undefined);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const orgs = useOrgs();
  const list = useAsync(
    async (signal) =>
      (await api.get<ListResponse<User>>('/users', { signal, query: { orgCode } })).items,
    orgCode ?? '',
  );
  const grant = useMemo(() => grantable(me), [me]);

  const orgName = useMemo(() => {
    const map = new Map<string, string>();
    for (const m of me.memberships) map.set(m.orgCode, m.orgName);
    for (const o of orgs.data ?? []) map.set(o.code, o.name);
    return map;
  }, [me, orgs.data]);

  /** Organisations for the filter: all visible orgs, or the actor's own when /orgs is unavailable. */
  const filterOptions: OrgOption[] = useMemo(() => {
    const source: Pick<Org, 'code' | 'name'>[] =
      orgs.data && orgs.data.length > 0
        ? orgs.data
        : me.memberships.map((m) => ({ code: m.orgCode, name: m.orgName }));
    return source.map((o) => ({ value: o.code, label: `${o.name}（${o.code}）` }));
  }, [orgs.data, me]);

  const createOrgOptions = useMemo(
    () =>
      grant.orgCodes === null
        ? filterOptions
        : filterOptions.filter((o) => grant.orgCodes?.has(o.value)),
    [filterOptions, grant],
  );

  if (list.error && isForbidden(list.error)) return <ForbiddenResult />;

  const setDisabled = async (user: User, disabled: boolean) => {
    setBusyId(user.id);
    try {
      await api.patch<User>(`/users/${encodeURIComponent(user.id)}`, { disabled });
      const name = user.displayName || user.username;
      message.success(disabled ? t('users.disabledOk', { name }) : t('users.enabledOk', { name }));
      list.reload();
    } catch (e) {
      message.error(errorText(t, e));
    } finally {
      setBusyId(null);
    }
  };

  /** The rows the table shows (all pages), with the table's columns. */
  const exportUsers = () =>
    exportRows<User>({
      filename: exportFileName(t('users.title')),
      sheetName: t('users.title'),
      rows: list.data ?? [],
      columns: [
        { header: t('users.username'), width: 20, value: (u) => u.username },
        { header: t('users.displayName'), width: 28, value: (u) => u.displayName },
        {
          header: t('users.memberships'),
          width: 48,
          value: (u) =>
            u.memberships
              .map((m) =>
                t('users.membershipText', {
                  org: orgName.get(m.orgCode) ?? m.orgCode,
                  role: t(`roles.${m.role}`),
                }),
              )
              .join(t('common.listSeparator')),
        },
        {
          header: t('users.status'),
          width: 10,
          value: (u) => (u.disabled ? t('users.disabled') : t('users.enabled')),
        },
        { header: t('common.createdAt'), width: 20, value: (u) => formatDateTime(u.createdAt) },
      ],
    });

  const columns: TableColumnsType<User> = [
    {
      title: t('users.username'),
      dataIndex: 'username',
      width: 170,
      render: (username: string, u) => (
        <Space size={4}>
          <Mono>{username}</Mono>
          {u.id === me.user.id ? <Tag color="blue">{t('users.you')}</Tag> : null}
        </Space>
      ),
    },
    { title: t('users.displayName'), dataIndex: 'displayName', width: 200, ellipsis: true },
    {
      title: t('users.memberships'),
      key: 'memberships',
      width: 280,
      render: (_: unknown, u) =>
        u.memberships.length === 0 ? (
          <Typography.Text type="secondary">—</Typography.Text>
        ) : (
          <Space orientation="vertical" size={2}>
            {u.memberships.map((m) => (
              <Space key={`${m.orgCode}:${m.role}`} size={6}>
                <span>{orgName.get(m.orgCode) ?? m.orgCode}</span>
                <RoleTag role={m.role} />
              </Space>
            ))}
          </Space>
        ),
    },
    {
      title: t('users.status'),
      dataIndex: 'disabled',
      width: 100,
      render: (disabled: boolean) =>
        disabled ? (
          <Badge status="default" text={t('users.disabled')} />
        ) : (
          <Badge status="success" text={t('users.enabled')} />
        ),
    },
    {
      title: t('common.createdAt'),
      dataIndex: 'createdAt',
      width: 170,
      render: (v: string) => formatDateTime(v),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 240,
      fixed: 'right',
      render: (_: unknown, u) => {
        const name = u.displayName || u.username;
        const self = u.id === me.user.id;
        return (
          <Space size={0}>
            <Button
              type="link"
              size="small"
              icon={<KeyOutlined />}
              onClick={() => {
                setResetting(u);
              }}
            >
              {t('users.resetPassword')}
            </Button>
            {self ? null : u.disabled ? (
              <Popconfirm
                title={t('users.enableConfirm', { name })}
                onConfirm={() => {
                  void setDisabled(u, false);
                }}
              >
                <Button
                  type="link"
                  size="small"
                  icon={<CheckCircleOutlined />}
                  loading={busyId === u.id}
                >
                  {t('users.enable')}
                </Button>
              </Popconfirm>
            ) : (
              <Popconfirm
                title={t('users.disableConfirm', { name })}
                okButtonProps={{ danger: true }}
                onConfirm={() => {
                  void setDisabled(u, true);
                }}
              >
                <Button
                  type="link"
                  size="small"
                  danger
                  icon={<StopOutlined />}
                  loading={busyId === u.id}
                >
                  {t('users.disable')}
                </Button>
              </Popconfirm>
            )}
          </Space>
        );
      },
    },
  ];

  return (
    <>
      <PageHeader
        title={t('users.title')}
        description={t('users.description')}
        extra={
          grant.roles.length > 0 ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => {
                setCreating(true);
              }}
              data-testid="users-create"
            >
              {t('users.create')}
            </Button>
          ) : null
        }
      />
      <Card>
        <div className="table-toolbar">
          <Select
            allowClear
            showSearch={{ filterOption: filterOptionByLabel }}
            style={{ width: 260 }}
            placeholder={t('users.filterOrg')}
            value={orgCode}
            onChange={(v: string | undefined) => {
              setOrgCode(v);
            }}
            loading={orgs.loading}
            options={filterOptions}
            data-testid="users-filter-org"
          />
          <Space wrap>
            <ExportButton
              onExport={exportUsers}
              disabled={list.loading || !list.data?.length}
              testId="users-export"
            />
            <Button icon={<ReloadOutlined />} onClick={list.reload}>
              {t('common.refresh')}
            </Button>
          </Space>
        </div>
        {list.error ? (
          <LoadError error={list.error} onRetry={list.reload} />
        ) : (
          <Table<User>
            rowKey="id"
            size="middle"
            loading={list.loading}
            columns={columns}
            dataSource={list.data ?? []}
            scroll={{ x: 1160 }}
            locale={{ emptyText: t('users.empty') }}
            pagination={{
              pageSize: 20,
              hideOnSinglePage: true,
              showTotal: (n) => t('common.total', { count: n }),
            }}
            data-testid="users-table"
          />
        )}
      </Card>
      <CreateUserModal
        open={creating}
        orgOptions={createOrgOptions}
        roles={grant.roles}
        defaultOrg={
          orgCode ?? (createOrgOptions.length === 1 ? createOrgOptions[0]?.value : undefined)
        }
        onClose={() => {
          setCreating(false);
        }}
        onCreated={(u) => {
          setCreating(false);
          message.success(`${t('common.created')}：${u.username}`);
          list.reload();
        }}
      />
      <ResetPasswordModal
        target={resetting}
        onClose={() => {
          setResetting(null);
        }}
        onDone={() => {
          setResetting(null);
          message.success(t('users.resetPasswordOk'));
        }}
      />
    </>
  );
}
