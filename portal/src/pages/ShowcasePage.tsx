/** 应用展示 (R5.8): applications built on open data, and the form to submit one. */
import { LinkOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Empty,
  Form,
  Input,
  Row,
  Select,
  Space,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { errorText } from '../../../console/src/errors';
import { useAsync } from '../../../console/src/hooks';
import { api, apiUrl, listOf } from '../api';
import { loginPath, useAuth } from '../auth';
import { LoadError, PageLoading, useTitle } from '../components/common';
import { datasetPath } from '../components/DatasetList';
import type { SearchResult, ShowcaseEntry } from '../types';
import { FormModal, useFormSubmit } from '../components/FormModal';

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const MAX_IMAGE_BYTES = 1024 * 1024;

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** The datasets an entry used, as code + name (the API may send either shape). */
export function entryDatasets(entry: ShowcaseEntry): { code: string; name: string }[] {
  if (entry.datasets) return entry.datasets;
  return (entry.datasetCodes ?? []).map((code) => ({ code, name: code }));
}

export function ShowcaseCard({
  entry,
  showStatus,
}: {
  entry: ShowcaseEntry;
  showStatus?: boolean;
}) {
  const { t } = useTranslation();
  const safeUrl = isHttpUrl(entry.url) ? entry.url : null;
  return (
    <Card
      className="showcase-card"
      data-testid="showcase-card"
      cover={
        entry.hasImage ? (
          <img
            className="showcase-image"
            alt={entry.title}
            loading="lazy"
            src={apiUrl(`/open/showcase/${encodeURIComponent(entry.id)}/image`)}
          />
        ) : (
          <div className="showcase-image showcase-placeholder">{entry.title.slice(0, 1)}</div>
        )
      }
    >
      <Typography.Title level={5} className="showcase-title" data-testid="showcase-title">
        {entry.title}
      </Typography.Title>
      {showStatus && entry.status ? (
        <Tag
          color={
            entry.status === 'approved' ? 'green' : entry.status === 'rejected' ? 'red' : 'gold'
          }
        >
          {t(`showcase.status.${entry.status as 'approved' | 'rejected' | 'pending'}`, {
            defaultValue: entry.status,
          })}
        </Tag>
      ) : null}
      <Typography.Paragraph
        className="pre-wrap showcase-description"
        ellipsis={{ rows: 4, expandable: true }}
      >
        {entry.description}
      </Typography.Paragraph>
      {showStatus && entry.moderationNote ? (
        <Typography.Paragraph type="secondary">
          {t('showcase.note', { note: entry.moderationNote })}
        </Typography.Paragraph>
      ) : null}
      {safeUrl ? (
        <a
          href={safeUrl}
          target="_blank"
          rel="noopener noreferrer nofollow"
          data-testid="showcase-url"
          className="showcase-url"
        >
          <LinkOutlined /> {t('showcase.visit')}
        </a>
      ) : null}
      {entryDatasets(entry).length > 0 ? (
        <div className="showcase-datasets">
          <Typography.Text type="secondary">{t('showcase.uses')}</Typography.Text>
          {entryDatasets(entry).map((d) => (
            <Link key={d.code} to={datasetPath(d.code)} data-testid="showcase-dataset">
              <Tag color="blue">{d.name}</Tag>
            </Link>
          ))}
        </div>
      ) : null}
    </Card>
  );
}

interface Option {
  value: string;
  label: string;
}

/** Datasets of the open catalog, found as one types (GET /open/datasets?q=). */
function DatasetSelect({
  value,
  onChange,
}: {
  value?: string[];
  onChange?: (value: string[]) => void;
}) {
  const { t } = useTranslation();
  const [options, setOptions] = useState<Option[]>([]);
  const [loading, setLoading] = useState(false);
  const known = useRef(new Map<string, string>());
  const seq = useRef(0);

  function search(q: string) {
    const n = ++seq.current;
    setLoading(true);
    api
      .get<SearchResult>('/open/datasets', { query: { q: q.trim(), limit: 20 } })
      .then((r) => {
        if (n !== seq.current) return;
        for (const d of r.items) known.current.set(d.code, d.name);
        setOptions(r.items.map((d) => ({ value: d.code, label: d.name })));
      })
      .catch(() => {
        if (n === seq.current) setOptions([]);
      })
      .finally(() => {
        if (n === seq.current) setLoading(false);
      });
  }

  useEffect(() => {
    search('');
  }, []);

  // Keep the chosen ones among the options, so their names stay shown.
  const merged = [...options];
  for (const code of value ?? []) {
    if (!merged.some((o) => o.value === code)) {
      merged.push({ value: code, label: known.current.get(code) ?? code });
    }
  }
  return (
    <Select<string[]>
      mode="multiple"
      value={value}
      onChange={onChange}
      options={merged}
      loading={loading}
      placeholder={t('showcase.datasetsHint')}
      showSearch={{ filterOption: false, onSearch: search }}
      notFoundContent={loading ? t('common.loading') : t('common.empty')}
      data-testid="showcase-datasets-select"
    />
  );
}

interface SubmitValues {
  title: string;
  description: string;
  url: string;
  datasetCodes: string[];
}

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      resolve(typeof reader.result === 'string' ? reader.result : '');
    };
    reader.onerror = () => {
      reject(reader.error ?? new Error('read failed'));
    };
    reader.readAsDataURL(file);
  });
}

export function ShowcaseSubmitModal({
  open,
  onClose,
  onSubmitted,
}: {
  open: boolean;
  onClose: () => void;
  onSubmitted: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<SubmitValues>();
  const [image, setImage] = useState<{ name: string; dataUrl: string } | null>(null);
  const [imageError, setImageError] = useState<string | null>(null);
  const { submitting, error, run } = useFormSubmit(form);

  async function pick(file: File) {
    setImageError(null);
    if (!IMAGE_TYPES.includes(file.type)) {
      setImageError(t('showcase.imageType'));
      return;
    }
    if (file.size > MAX_IMAGE_BYTES) {
      setImageError(t('showcase.imageSize'));
      return;
    }
    try {
      setImage({ name: file.name, dataUrl: await readAsDataUrl(file) });
    } catch {
      setImageError(t('showcase.imageRead'));
    }
  }

  async function submit(values: SubmitValues) {
    await run(async () => {
      await api.post('/open/showcase', {
        title: values.title.trim(),
        description: values.description.trim(),
        url: values.url.trim(),
        datasetCodes: values.datasetCodes,
        ...(image ? { image: image.dataUrl } : {}),
      });
      message.success(t('showcase.submitted'));
      form.resetFields();
      setImage(null);
      onSubmitted();
    });
  }

  return (
    <FormModal
      open={open}
      title={t('showcase.submitTitle')}
      onClose={onClose}
      width={640}
      submitting={submitting}
      submitLabel={t('showcase.submit')}
      submitTestId="showcase-submit"
      onSubmit={() => {
        form.submit();
      }}
    >
      <Alert type="info" showIcon className="block-gap" title={t('showcase.moderationHint')} />
      <Form<SubmitValues>
        form={form}
        layout="vertical"
        initialValues={{ datasetCodes: [] }}
        data-testid="showcase-form"
        onFinish={(values) => {
          void submit(values);
        }}
      >
        <Form.Item
          name="title"
          label={t('showcase.fieldTitle')}
          rules={[{ required: true, whitespace: true, message: t('showcase.titleRequired') }]}
        >
          <Input maxLength={100} data-testid="showcase-title-input" />
        </Form.Item>
        <Form.Item
          name="description"
          label={t('showcase.description')}
          rules={[{ required: true, whitespace: true, message: t('showcase.descriptionRequired') }]}
        >
          <Input.TextArea rows={4} maxLength={2000} showCount data-testid="showcase-description" />
        </Form.Item>
        <Form.Item
          name="url"
          label={t('showcase.url')}
          rules={[
            { required: true, message: t('showcase.urlRequired') },
            {
              validator: (_r, v: string | undefined) =>
                !v || isHttpUrl(v.trim())
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('showcase.urlInvalid'))),
            },
          ]}
        >
          <Input placeholder="https://" maxLength={500} data-testid="showcase-url-input" />
        </Form.Item>
        <Form.Item
          name="datasetCodes"
          label={t('showcase.datasets')}
          rules={[
            { required: true, type: 'array', min: 1, message: t('showcase.datasetsRequired') },
          ]}
        >
          <DatasetSelect />
        </Form.Item>
        <Form.Item label={t('showcase.image')} extra={t('showcase.imageHint')}>
          <Space wrap>
            <Upload
              accept={IMAGE_TYPES.join(',')}
              showUploadList={false}
              beforeUpload={(file) => {
                void pick(file);
                return false;
              }}
            >
              <Button icon={<UploadOutlined />} data-testid="showcase-image">
                {t('showcase.chooseImage')}
              </Button>
            </Upload>
            {image ? (
              <Space>
                <img src={image.dataUrl} alt="" className="showcase-thumb" />
                <span>{image.name}</span>
                <Button
                  size="small"
                  onClick={() => {
                    setImage(null);
                  }}
                >
                  {t('common.remove')}
                </Button>
              </Space>
            ) : null}
          </Space>
          {imageError ? <div className="field-error">{imageError}</div> : null}
        </Form.Item>
        {error ? <Alert type="error" showIcon title={errorText(t, error)} /> : null}
      </Form>
    </FormModal>
  );
}

export function ShowcasePage() {
  const { t } = useTranslation();
  const { account, status } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const [done, setDone] = useState(false);
  useTitle(t('showcase.title'));
  const entries = useAsync(
    async (signal) =>
      listOf<ShowcaseEntry>(
        await api.get<unknown>('/open/showcase', { signal, query: { limit: 100 } }),
      ),
    'showcase',
  );
  // `?submit=1` opens the form (also the way back after login).
  const open = params.get('submit') === '1' && status === 'authenticated';

  function setOpen(value: boolean) {
    const next = new URLSearchParams(params);
    if (value) next.set('submit', '1');
    else next.delete('submit');
    setParams(next, { replace: true });
  }

  return (
    <div>
      <div className="page-head">
        <div>
          <Typography.Title level={3}>{t('showcase.title')}</Typography.Title>
          <Typography.Text type="secondary">{t('showcase.subtitle')}</Typography.Text>
        </div>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          data-testid="showcase-open-form"
          onClick={() => {
            if (!account) void navigate(loginPath(`${location.pathname}?submit=1`));
            else setOpen(true);
          }}
        >
          {t('showcase.submitButton')}
        </Button>
      </div>
      {done ? (
        <Alert
          type="success"
          showIcon
          closable
          className="block-gap"
          data-testid="showcase-submitted"
          title={t('showcase.submitted')}
          description={
            <span>
              {t('showcase.submittedHint')} <Link to="/me?tab=showcase">{t('nav.me')}</Link>
            </span>
          }
        />
      ) : null}
      {entries.error ? (
        <LoadError error={entries.error} onRetry={entries.reload} />
      ) : !entries.data ? (
        <PageLoading />
      ) : entries.data.length === 0 ? (
        <Empty description={t('showcase.empty')} data-testid="showcase-empty" />
      ) : (
        <Row gutter={[16, 16]} data-testid="showcase-list">
          {entries.data.map((e) => (
            <Col key={e.id} xs={24} sm={12} lg={8}>
              <ShowcaseCard entry={e} />
            </Col>
          ))}
        </Row>
      )}
      <ShowcaseSubmitModal
        open={open}
        onClose={() => {
          setOpen(false);
        }}
        onSubmitted={() => {
          setOpen(false);
          setDone(true);
        }}
      />
    </div>
  );
}
