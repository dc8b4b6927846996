import {
  ArrowLeftOutlined,
  BranchesOutlined,
  ReloadOutlined,
  SaveOutlined,
  SendOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  AutoComplete,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Form,
  Input,
  Radio,
  Result,
  Row,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import type { FormInstance } from 'antd';
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import { ApiError, api } from '../../api';
import { useMe } from '../../auth';
import { pathLabel } from '../../catalog/fields';
import { StatusTag, useShareClassName } from '../../catalog/labels';
import {
  BASE_KINDS,
  CLASSIFICATIONS,
  DELIVERY_METHODS,
  DOMAINS,
  EDITABLE_STATUSES,
  FORMAT_CATEGORIES,
  OPEN_CLASSES,
  SHARE_CLASSES,
  TABULAR_FORMATS,
  UPDATE_CYCLES,
  emptyContent,
} from '../../catalog/model';
import type { ResourceVersion } from '../../catalog/model';
import { ReviewCommentsAlert } from '../../catalog/parts';
import { canManageThemes, compileMemberships } from '../../catalog/roles';
import { ThemeSelect } from '../../catalog/themes';
import {
  ForbiddenResult,
  LoadError,
  Mono,
  NotFoundResult,
  PageHeader,
} from '../../components/common';
import { errorText } from '../../errors';
import { formatDateTime } from '../../format';
import { useAsync } from '../../hooks';
import { ItemsEditor } from './editor/ItemsEditor';
import { applyContentErrors, toContent, toFormValues } from './editor/form';
import type { EditorValues } from './editor/form';

const STORAGE_FORMATS = [
  'MySQL',
  'Oracle',
  'PostgreSQL',
  '达梦 DM',
  '人大金仓',
  'XLSX',
  'CSV',
  'JSON',
  'PDF',
  'JPEG',
  'MP4',
  'REST API',
];

interface Problem {
  path: string;
  message: string;
}

interface SubmitProblems {
  title: string;
  fields: Record<string, string>;
}

function problemsFromState(state: unknown): SubmitProblems | undefined {
  if (typeof state !== 'object' || state === null || !('problems' in state)) return undefined;
  const problems = state.problems;
  if (typeof problems !== 'object' || problems === null) return undefined;
  const { title, fields } = problems as Partial<SubmitProblems>;
  return typeof title === 'string' && typeof fields === 'object' ? { title, fields } : undefined;
}

function EditorForm({
  initial,
  initialProblems,
  onReplaced,
}: {
  /** The version being edited; null when creating a new entry. */
  initial: ResourceVersion | null;
  /** Submit errors of a draft created a moment ago on the "new" page. */
  initialProblems?: SubmitProblems;
  /** The server's current version replaced the one on screen (after a conflict). */
  onReplaced: () => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const shareName = useShareClassName();
  const [form] = Form.useForm<EditorValues>();
  const [current, setCurrent] = useState<ResourceVersion | null>(initial);
  const [saving, setSaving] = useState<'save' | 'submit' | null>(null);
  const [problems, setProblems] = useState<{ title: string; list: Problem[] } | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const orgs = compileMemberships(me);

  // The form is initialised once; a newer version of the entry remounts the editor.
  const [initialValues] = useState(() =>
    initial ? toFormValues(initial.content) : toFormValues(emptyContent(), orgs[0]?.orgCode),
  );

  const classification = Form.useWatch('classification', form) ?? initialValues.classification;
  const shareClass = Form.useWatch(['share', 'class'], form) ?? initialValues.share.class;
  const openClass = Form.useWatch(['open', 'class'], form) ?? initialValues.open.class;
  const formatCategory = Form.useWatch('formatCategory', form) ?? initialValues.formatCategory;
  const fieldComments = current?.status === 'returned' ? current.fieldComments : {};

  /** The reviewer's comment on a field, shown under it. */
  const comment = (path: string): ReactNode =>
    fieldComments[path] ? (
      <span className="field-comment" data-testid={`field-comment-${path}`}>
        {t('review.fieldCommentMark')}：{fieldComments[path]}
      </span>
    ) : undefined;

  const showProblems = (title: string, fields: Record<string, string>) => {
    // Server paths are dynamic; the untyped instance takes any name path.
    const anyForm = form as FormInstance;
    anyForm.setFields(
      form
        .getFieldsError()
        .filter((f) => f.errors.length > 0)
        .map((f) => ({ name: f.name, errors: [] })),
    );
    applyContentErrors(anyForm, fields);
    const first = form.getFieldsError().find((f) => f.errors.length > 0);
    if (first) anyForm.scrollToField(first.name, { block: 'center' });
    else window.scrollTo({ top: 0, behavior: 'smooth' });
    setProblems({
      title,
      list: Object.entries(fields).map(([path, msg]) => ({ path, message: msg })),
    });
  };

  useEffect(() => {
    if (initialProblems) showProblems(initialProblems.title, initialProblems.fields);
    // Once, after the fields are mounted.
  }, []);

  const fail = (text: string) => {
    setFailure(text);
    window.scrollTo({ top: 0, behavior: 'smooth' });
  };

  /** Saves the form (creating the entry the first time); null when it did not save. */
  const save = async (): Promise<ResourceVersion | null> => {
    setProblems(null);
    setFailure(null);
    let values: EditorValues;
    try {
      values = await form.validateFields();
    } catch {
      setProblems({ title: t('editor.formInvalid'), list: [] });
      return null;
    }
    const content = toContent(values);
    try {
      const saved = current
        ? await api.put<ResourceVersion>(
            `/catalog/resources/${encodeURIComponent(current.code)}/draft`,
            { revision: current.revision, content },
          )
        : await api.post<ResourceVersion>('/catalog/resources', {
            orgCode: values.orgCode,
            content,
          });
      setCurrent(saved);
      return saved;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'CONFLICT') {
        setConflict(e.message);
        window.scrollTo({ top: 0, behavior: 'smooth' });
      } else if (e instanceof ApiError && e.code === 'VALIDATION' && Object.keys(e.fields).length)
        showProblems(t('editor.saveInvalid'), e.fields);
      else fail(errorText(t, e));
      return null;
    }
  };

  const onSave = async () => {
    setSaving('save');
    const saved = await save();
    setSaving(null);
    if (!saved) return;
    message.success(t('editor.saved', { code: saved.code }));
    if (!initial) {
      void navigate(`/catalog/mine/${encodeURIComponent(saved.code)}/edit`, { replace: true });
    }
  };

  const onSubmit = async () => {
    setSaving('submit');
    try {
      const saved = await save();
      if (!saved) return;
      try {
        const submitted = await api.post<ResourceVersion>(
          `/catalog/resources/${encodeURIComponent(saved.code)}/submit`,
        );
        message.success(t('editor.submitted', { code: submitted.code }));
        void navigate(`/catalog/resources/${encodeURIComponent(submitted.code)}`);
      } catch (e) {
        if (e instanceof ApiError && e.code === 'VALIDATION' && Object.keys(e.fields).length) {
          const title = t('editor.submitInvalid', { count: Object.keys(e.fields).length });
          if (!initial) {
            // Created just now: go on editing the saved draft under its own address.
            const state: { problems: SubmitProblems } = { problems: { title, fields: e.fields } };
            void navigate(`/catalog/mine/${encodeURIComponent(saved.code)}/edit`, {
              replace: true,
              state,
            });
            return;
          }
          showProblems(title, e.fields);
        } else if (e instanceof ApiError && e.code === 'CONFLICT') {
          fail(e.message);
        } else {
          fail(errorText(t, e));
        }
      }
    } finally {
      setSaving(null);
    }
  };

  const title = current
    ? t('editor.editTitle', { name: current.content.name })
    : t('editor.createTitle');

  return (
    <>
      <PageHeader
        title={title}
        description={
          current ? (
            <Space size={12} wrap>
              <Mono>{current.code}</Mono>
              <StatusTag status={current.status} />
              <Tag>{t('resource.versionN', { version: current.version })}</Tag>
              {current.liveVersion !== null && current.liveVersion !== current.version ? (
                <Tag color="green" icon={<BranchesOutlined />}>
                  {t('editor.liveAlongside', { version: current.liveVersion })}
                </Tag>
              ) : null}
              <span>{t('resource.updatedOn', { time: formatDateTime(current.updatedAt) })}</span>
            </Space>
          ) : (
            t('editor.createHint')
          )
        }
        extra={
          <>
            <Button
              icon={<ArrowLeftOutlined />}
              onClick={() => {
                void navigate('/catalog/mine');
              }}
            >
              {t('common.back')}
            </Button>
            <Button
              icon={<SaveOutlined />}
              loading={saving === 'save'}
              disabled={saving !== null}
              onClick={() => {
                void onSave();
              }}
              data-testid="editor-save"
            >
              {t('editor.saveDraft')}
            </Button>
            <Button
              type="primary"
              icon={<SendOutlined />}
              loading={saving === 'submit'}
              disabled={saving !== null}
              onClick={() => {
                void onSubmit();
              }}
              data-testid="editor-submit"
            >
              {t('editor.submit')}
            </Button>
          </>
        }
      />
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        {current?.status === 'returned' ? <ReviewCommentsAlert version={current} /> : null}
        {conflict ? (
          <Alert
            type="error"
            showIcon
            data-testid="editor-conflict"
            title={t('editor.conflictTitle')}
            description={
              <>
                <div>{conflict}</div>
                <div>{t('editor.conflictHint')}</div>
              </>
            }
            action={
              <Button
                icon={<ReloadOutlined />}
                onClick={() => {
                  setConflict(null);
                  onReplaced();
                }}
                data-testid="editor-reload"
              >
                {t('editor.reload')}
              </Button>
            }
          />
        ) : null}
        {failure ? (
          <Alert
            type="error"
            showIcon
            closable={{ onClose: () => setFailure(null) }}
            title={failure}
            data-testid="editor-failure"
          />
        ) : null}
        {problems ? (
          <Alert
            type="error"
            showIcon
            data-testid="editor-errors"
            title={problems.title}
            description={
              problems.list.length ? (
                <ul className="comment-list">
                  {problems.list.map((p) => (
                    <li key={p.path}>
                      <Typography.Text strong>{pathLabel(t, p.path)}</Typography.Text>：{p.message}
                    </li>
                  ))}
                </ul>
              ) : undefined
            }
          />
        ) : null}
        <Form<EditorValues>
          form={form}
          layout="vertical"
          initialValues={initialValues}
          scrollToFirstError={{ block: 'center' }}
          className="resource-editor"
          data-testid="resource-editor"
        >
          <Card title={t('catalog.section.basic')} size="small">
            <Row gutter={16}>
              {current ? null : (
                <Col xs={24} md={8}>
                  <Form.Item
                    name="orgCode"
                    label={t('catalog.field.org')}
                    rules={[{ required: true, message: t('editor.orgRequired') }]}
                  >
                    <Select
                      disabled={orgs.length <= 1}
                      options={orgs.map((m) => ({ value: m.orgCode, label: m.orgName }))}
                      data-testid="editor-org"
                    />
                  </Form.Item>
                </Col>
              )}
              <Col xs={24} md={current ? 16 : 16}>
                <Form.Item
                  name="name"
                  label={t('catalog.field.name')}
                  extra={comment('name')}
                  rules={[
                    { required: true, whitespace: true, message: t('editor.nameRequired') },
                    { min: 2, message: t('editor.nameRequired') },
                  ]}
                >
                  <Input maxLength={200} showCount data-testid="editor-name" />
                </Form.Item>
              </Col>
            </Row>
            <Row gutter={16}>
              <Col xs={24} md={10}>
                <Form.Item
                  name="classification"
                  label={t('catalog.field.classification')}
                  extra={
                    comment('classification') ??
                    (current ? t('editor.classificationLocked') : undefined)
                  }
                >
                  <Radio.Group
                    optionType="button"
                    buttonStyle="solid"
                    disabled={current !== null}
                    options={CLASSIFICATIONS.map((c) => ({
                      value: c,
                      label: t(`catalog.classification.${c}`),
                    }))}
                    data-testid="editor-classification"
                  />
                </Form.Item>
              </Col>
              {classification === 'base' ? (
                <Col xs={24} md={7}>
                  <Form.Item
                    name="baseKind"
                    label={t('catalog.field.baseKind')}
                    extra={comment('baseKind')}
                    rules={[{ required: true, message: t('editor.baseKindRequired') }]}
                  >
                    <Select
                      disabled={Boolean(current?.content.baseKind)}
                      options={BASE_KINDS.map((k) => ({
                        value: k,
                        label: t(`catalog.baseKind.${k}`),
                      }))}
                      data-testid="editor-base-kind"
                    />
                  </Form.Item>
                </Col>
              ) : null}
              {classification === 'thematic' ? (
                <Col xs={24} md={7}>
                  <Form.Item
                    name="theme"
                    label={t('catalog.field.theme')}
                    extra={
                      comment('theme') ??
                      (canManageThemes(me) ? t('editor.themeAddHint') : t('editor.themeHint'))
                    }
                    rules={[{ required: true, message: t('editor.themeRequired') }]}
                  >
                    <ThemeSelect testId="editor-theme" />
                  </Form.Item>
                </Col>
              ) : null}
            </Row>
            <Form.Item
              label={t('catalog.field.categoryPath')}
              required
              extra={comment('categoryPath') ?? t('editor.categoryPathHint')}
            >
              <Row gutter={8}>
                {[0, 1, 2, 3].map((level) => (
                  <Col key={level} xs={12} md={6}>
                    <Form.Item
                      name={['categoryPath', level]}
                      style={{ marginBottom: 0 }}
                      rules={
                        level === 0
                          ? [
                              {
                                required: true,
                                whitespace: true,
                                message: t('editor.categoryRequired'),
                              },
                            ]
                          : []
                      }
                    >
                      <Input
                        maxLength={50}
                        prefix={
                          <Typography.Text type="secondary">
                            {t(`editor.categoryLevel${String(level + 1) as '1' | '2' | '3' | '4'}`)}
                          </Typography.Text>
                        }
                        data-testid={`editor-category-${String(level)}`}
                      />
                    </Form.Item>
                  </Col>
                ))}
              </Row>
            </Form.Item>
            <Form.Item
              name="summary"
              label={t('catalog.field.summary')}
              extra={comment('summary')}
              rules={[{ required: true, whitespace: true, message: t('editor.summaryRequired') }]}
            >
              <Input.TextArea
                rows={3}
                maxLength={2000}
                placeholder={t('editor.summaryPlaceholder')}
                data-testid="editor-summary"
              />
            </Form.Item>
            <Row gutter={16}>
              <Col xs={24} md={12}>
                <Form.Item
                  name="keywords"
                  label={t('catalog.field.keywords')}
                  extra={comment('keywords') ?? t('editor.tagsHint')}
                >
                  <Select
                    mode="tags"
                    open={false}
                    suffixIcon={null}
                    tokenSeparators={[',', '，', '、', ' ']}
                    maxCount={20}
                    data-testid="editor-keywords"
                  />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item
                  name="domains"
                  label={t('catalog.field.domains')}
                  extra={comment('domains')}
                >
                  <Select
                    mode="multiple"
                    allowClear
                    options={DOMAINS.map((d) => ({ value: d, label: t(`catalog.domain.${d}`) }))}
                    data-testid="editor-domains"
                  />
                </Form.Item>
              </Col>
            </Row>
            <Row gutter={16}>
              <Col xs={24} md={12}>
                <Form.Item
                  name="businessMatter"
                  label={t('catalog.field.businessMatter')}
                  extra={comment('businessMatter')}
                  rules={[{ required: true, whitespace: true, message: t('editor.fieldRequired') }]}
                >
                  <Input maxLength={200} data-testid="editor-business-matter" />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item
                  name="systemName"
                  label={t('catalog.field.systemName')}
                  extra={comment('systemName')}
                  rules={[{ required: true, whitespace: true, message: t('editor.fieldRequired') }]}
                >
                  <Input maxLength={200} data-testid="editor-system-name" />
                </Form.Item>
              </Col>
            </Row>
            <Row gutter={16}>
              <Col xs={24} md={6}>
                <Form.Item
                  name={['contact', 'name']}
                  label={t('catalog.field.contactName')}
                  extra={comment('contact.name')}
                  rules={[{ required: true, whitespace: true, message: t('editor.fieldRequired') }]}
                >
                  <Input maxLength={50} data-testid="editor-contact-name" />
                </Form.Item>
              </Col>
              <Col xs={24} md={6}>
                <Form.Item
                  name={['contact', 'phone']}
                  label={t('catalog.field.contactPhone')}
                  extra={comment('contact.phone')}
                  rules={[
                    { required: true, whitespace: true, message: t('editor.phoneRequired') },
                    { min: 5, message: t('editor.phoneRequired') },
                  ]}
                >
                  <Input maxLength={30} className="mono" data-testid="editor-contact-phone" />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item
                  name="relatedResources"
                  label={t('catalog.field.relatedResources')}
                  extra={comment('relatedResources') ?? t('editor.tagsHint')}
                >
                  <Select
                    mode="tags"
                    open={false}
                    suffixIcon={null}
                    tokenSeparators={[',', '，', '、']}
                    data-testid="editor-related"
                  />
                </Form.Item>
              </Col>
            </Row>
          </Card>

          <Card title={t('catalog.section.formatUpdate')} size="small" style={{ marginTop: 16 }}>
            <Row gutter={16}>
              <Col xs={24} md={6}>
                <Form.Item
                  name="formatCategory"
                  label={t('catalog.field.formatCategory')}
                  extra={comment('formatCategory')}
                >
                  <Select
                    options={FORMAT_CATEGORIES.map((f) => ({
                      value: f,
                      label: t(`catalog.format.${f}`),
                    }))}
                    data-testid="editor-format"
                  />
                </Form.Item>
              </Col>
              <Col xs={24} md={6}>
                <Form.Item
                  name="storageFormat"
                  label={t('catalog.field.storageFormat')}
                  extra={comment('storageFormat')}
                  rules={[{ required: true, whitespace: true, message: t('editor.fieldRequired') }]}
                >
                  <AutoComplete
                    options={STORAGE_FORMATS.map((f) => ({ value: f }))}
                    maxLength={50}
                    data-testid="editor-storage"
                  />
                </Form.Item>
              </Col>
              <Col xs={24} md={6}>
                <Form.Item
                  name="updateCycle"
                  label={t('catalog.field.updateCycle')}
                  extra={comment('updateCycle')}
                >
                  <Select
                    options={UPDATE_CYCLES.map((c) => ({
                      value: c,
                      label: t(`catalog.cycle.${c}`),
                    }))}
                    data-testid="editor-cycle"
                  />
                </Form.Item>
              </Col>
              <Col xs={24} md={6}>
                <Form.Item
                  name="releaseDate"
                  label={t('catalog.field.releaseDate')}
                  extra={comment('releaseDate')}
                >
                  <DatePicker style={{ width: '100%' }} data-testid="editor-release-date" />
                </Form.Item>
              </Col>
            </Row>
          </Card>

          <Row gutter={16} style={{ marginTop: 16 }}>
            <Col xs={24} xl={14}>
              <Card title={t('catalog.section.share')} size="small" style={{ height: '100%' }}>
                <Form.Item
                  name={['share', 'class']}
                  label={t('catalog.field.shareClass')}
                  extra={comment('share.class')}
                >
                  <Radio.Group
                    optionType="button"
                    buttonStyle="solid"
                    options={SHARE_CLASSES.map((c) => ({ value: c, label: shareName(c) }))}
                    data-testid="editor-share-class"
                  />
                </Form.Item>
                {shareClass !== 'none' ? (
                  <Form.Item
                    name={['share', 'deliveryMethods']}
                    label={t('catalog.field.deliveryMethods')}
                    extra={comment('share.deliveryMethods')}
                  >
                    <Checkbox.Group
                      options={DELIVERY_METHODS.map((m) => ({
                        value: m,
                        label: t(`catalog.delivery.${m}`),
                      }))}
                      data-testid="editor-delivery"
                    />
                  </Form.Item>
                ) : null}
                {shareClass === 'conditional' ? (
                  <Form.Item
                    name={['share', 'conditions']}
                    label={t('catalog.field.shareConditions')}
                    extra={comment('share.conditions') ?? t('editor.shareConditionsHint')}
                  >
                    <Input.TextArea
                      rows={2}
                      maxLength={2000}
                      data-testid="editor-share-conditions"
                    />
                  </Form.Item>
                ) : null}
                {shareClass !== 'unconditional' ? (
                  <Form.Item
                    name={['share', 'reasons']}
                    label={t('catalog.field.shareReasons')}
                    extra={comment('share.reasons')}
                  >
                    <Input.TextArea rows={2} maxLength={2000} data-testid="editor-share-reasons" />
                  </Form.Item>
                ) : null}
                {shareClass === 'none' ? (
                  <Form.Item
                    name={['share', 'legalBasis']}
                    label={t('catalog.field.legalBasis')}
                    extra={comment('share.legalBasis') ?? t('editor.legalBasisHint')}
                  >
                    <Input.TextArea
                      rows={2}
                      maxLength={2000}
                      data-testid="editor-share-legal-basis"
                    />
                  </Form.Item>
                ) : null}
                <Form.Item
                  name={['share', 'period']}
                  label={t('catalog.field.sharePeriod')}
                  extra={comment('share.period')}
                  style={{ marginBottom: 0 }}
                >
                  <Input
                    maxLength={200}
                    placeholder={t('editor.periodPlaceholder')}
                    data-testid="editor-share-period"
                  />
                </Form.Item>
              </Card>
            </Col>
            <Col xs={24} xl={10}>
              <Card title={t('catalog.section.open')} size="small" style={{ height: '100%' }}>
                <Form.Item
                  name={['open', 'class']}
                  label={t('catalog.field.openClass')}
                  extra={
                    comment('open.class') ??
                    (shareClass === 'none' ? t('editor.openNoneHint') : undefined)
                  }
                >
                  <Radio.Group
                    optionType="button"
                    buttonStyle="solid"
                    options={OPEN_CLASSES.map((c) => ({
                      value: c,
                      label: t(`catalog.openClass.${c}`),
                    }))}
                    data-testid="editor-open-class"
                  />
                </Form.Item>
                {openClass === 'conditional' ? (
                  <Form.Item
                    name={['open', 'conditions']}
                    label={t('catalog.field.openConditions')}
                    extra={comment('open.conditions')}
                  >
                    <Input.TextArea
                      rows={3}
                      maxLength={2000}
                      data-testid="editor-open-conditions"
                    />
                  </Form.Item>
                ) : null}
              </Card>
            </Col>
          </Row>

          <Card
            title={t('catalog.field.items')}
            size="small"
            style={{ marginTop: 16 }}
            extra={
              <Typography.Text type="secondary">
                {TABULAR_FORMATS.includes(formatCategory)
                  ? t('editor.itemsTabular')
                  : t('editor.itemsOptional')}
              </Typography.Text>
            }
          >
            {fieldComments.items ? (
              <div className="field-comment" style={{ marginBottom: 8 }}>
                {t('review.fieldCommentMark')}：{fieldComments.items}
              </div>
            ) : null}
            <ItemsEditor form={form} fieldComments={fieldComments} />
          </Card>
        </Form>
      </Space>
    </>
  );
}

export function ResourceEditorPage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const { code } = useParams();
  const location = useLocation();
  const [generation, setGeneration] = useState(0);
  const loaded = useAsync(
    async (signal) =>
      code
        ? api.get<ResourceVersion>(`/catalog/resources/${encodeURIComponent(code)}`, { signal })
        : null,
    `${code ?? ''}|${String(generation)}`,
  );

  if (compileMemberships(me).length === 0) return <ForbiddenResult />;
  if (!code) return <EditorForm initial={null} onReplaced={() => undefined} />;
  if (loaded.error instanceof ApiError && loaded.error.code === 'NOT_FOUND')
    return <NotFoundResult />;
  if (loaded.error) return <LoadError error={loaded.error} onRetry={loaded.reload} />;
  const version = loaded.data;
  if (!version || loaded.loading) {
    return <Card loading style={{ minHeight: 320 }} />;
  }
  if (!EDITABLE_STATUSES.includes(version.status)) {
    return (
      <Result
        status="info"
        title={t('editor.notEditable', { status: t(`catalog.status.${version.status}`) })}
        subTitle={version.status === 'published' ? t('editor.notEditablePublished') : undefined}
        extra={
          <Button
            type="primary"
            onClick={() => {
              void navigate(`/catalog/resources/${encodeURIComponent(version.code)}`);
            }}
          >
            {t('editor.viewEntry')}
          </Button>
        }
        data-testid="editor-not-editable"
      />
    );
  }
  return (
    <EditorForm
      key={`${version.code}@${String(version.version)}#${String(generation)}`}
      initial={version}
      initialProblems={generation === 0 ? problemsFromState(location.state) : undefined}
      onReplaced={() => {
        setGeneration((g) => g + 1);
      }}
    />
  );
}
