import { Button, Result, Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { OrgKind, Role } from '../types';
import { errorText } from '../errors';

export function PageHeader({
  title,
  description,
  extra,
}: {
  title: ReactNode;
  description?: ReactNode;
  extra?: ReactNode;
}) {
  return (
    <div className="page-header">
      <div>
        <Typography.Title level={4} style={{ margin: 0 }} data-testid="page-title">
          {title}
        </Typography.Title>
        {description ? (
          <Typography.Text type="secondary" className="page-description">
            {description}
          </Typography.Text>
        ) : null}
      </div>
      {extra ? <Space wrap>{extra}</Space> : null}
    </div>
  );
}

export function ForbiddenResult() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Result
      status="403"
      title={t('result.forbiddenTitle')}
      subTitle={t('result.forbidden')}
      data-testid="forbidden"
      extra={
        <Button
          type="primary"
          onClick={() => {
            void navigate('/');
          }}
        >
          {t('common.backHome')}
        </Button>
      }
    />
  );
}

export function NotFoundResult() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title={t('result.notFoundTitle')}
      subTitle={t('result.notFound')}
      data-testid="not-found"
      extra={
        <Button
          type="primary"
          onClick={() => {
            void navigate('/');
          }}
        >
          {t('common.backHome')}
        </Button>
      }
    />
  );
}

export function LoadError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <Result
      status="error"
      title={t('common.loadFailed')}
      subTitle={errorText(t, error)}
      extra={<Button onClick={onRetry}>{t('common.retry')}</Button>}
    />
  );
}

const ROLE_COLORS: Record<Role, string> = {
  authority_admin: 'red',
  reviewer: 'purple',
  dept_admin: 'blue',
  dept_operator: 'cyan',
  auditor: 'gold',
};

export function RoleTag({ role }: { role: Role }) {
  const { t } = useTranslation();
  return <Tag color={ROLE_COLORS[role]}>{t(`roles.${role}`)}</Tag>;
}

const KIND_COLORS: Record<OrgKind, string> = {
  authority: 'geekblue',
  department: 'blue',
  utility: 'green',
  public_org: 'orange',
};

export function OrgKindTag({ kind }: { kind: OrgKind }) {
  const { t } = useTranslation();
  return <Tag color={KIND_COLORS[kind]}>{t(`orgKinds.${kind}`)}</Tag>;
}

export function Mono({ children }: { children: ReactNode }) {
  return <span className="mono">{children}</span>;
}
