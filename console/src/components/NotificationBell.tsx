import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Empty, Popover, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api } from '../api';
import { formatDateTime } from '../format';
import { useAsync } from '../hooks';

interface Notification {
  id: number;
  kind: string;
  title: { zh: string; en: string };
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

const POLL_MS = 60_000;

/** 通知: the organisation's notifications (problem reports to answer, answers to check), unread first. */
export function NotificationBell() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [tick, setTick] = useState(0);
  const list = useAsync(async (signal) => {
    try {
      return await api.get<{ items: Notification[]; unread: number }>('/notifications', {
        signal,
        query: { limit: 10 },
      });
    } catch (e) {
      if (signal.aborted) throw e;
      return { items: [], unread: 0 };
    }
  }, String(tick));
  useEffect(() => {
    const timer = setInterval(() => {
      setTick((n) => n + 1);
    }, POLL_MS);
    return () => {
      clearInterval(timer);
    };
  }, []);
  const unread = list.data?.unread ?? 0;
  const items = list.data?.items ?? [];

  const openItem = async (item: Notification) => {
    setOpen(false);
    if (!item.readAt) {
      try {
        await api.post(`/notifications/${String(item.id)}/read`);
      } catch {
        // reading is best effort; the link still opens
      }
      setTick((n) => n + 1);
    }
    if (item.link) void navigate(item.link);
  };
  const readAll = async () => {
    try {
      await api.post('/notifications/read-all');
    } finally {
      setTick((n) => n + 1);
    }
  };

  const content = (
    <div style={{ width: 360 }}>
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.empty')} />
      ) : (
        <div>
          {items.map((item) => (
            <div
              key={item.id}
              role="button"
              tabIndex={0}
              style={{
                display: 'flex',
                gap: 8,
                padding: '8px 4px',
                cursor: 'pointer',
                borderBottom: '1px solid rgba(5, 5, 5, 0.06)',
              }}
              onClick={() => {
                void openItem(item);
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter') void openItem(item);
              }}
              data-testid={`notification-${String(item.id)}`}
            >
              <Badge status={item.readAt ? 'default' : 'processing'} />
              <div style={{ minWidth: 0 }}>
                <Typography.Text strong={!item.readAt}>
                  {i18n.language === 'en' ? item.title.en : item.title.zh}
                </Typography.Text>
                <br />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {formatDateTime(item.createdAt)}
                </Typography.Text>
              </div>
            </div>
          ))}
        </div>
      )}
    </div>
  );

  return (
    <Popover
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) setTick((n) => n + 1);
      }}
      trigger="click"
      placement="bottomRight"
      title={
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          <span>{t('notifications.title')}</span>
          {unread > 0 ? (
            <Button
              type="link"
              size="small"
              onClick={() => {
                void readAll();
              }}
            >
              {t('notifications.readAll')}
            </Button>
          ) : null}
        </div>
      }
      content={content}
    >
      <Badge count={unread} size="small" offset={[-4, 4]}>
        <Button
          type="text"
          icon={<BellOutlined />}
          aria-label={t('notifications.title')}
          data-testid="notification-bell"
        />
      </Badge>
    </Popover>
  );
}
