/**
 * Thematic catalogs (专题目录, R2.3): the authority-maintained list a thematic entry picks its theme
 * from. The list, the form that adds a theme (authority administrators), and the editor's select.
 */
import { PlusOutlined } from '@ant-design/icons';
import { Button, Divider, Form, Input, Modal, Select, Typography } from 'antd';
import type { FormInstance, FormRule } from 'antd';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api';
import { useMe } from '../auth';
import { errorText } from '../errors';
import { filterOptionByLabel } from '../format';
import { useAsync } from '../hooks';
import type { AsyncState } from '../hooks';
import { THEME_NAME_MAX, THEME_NAME_MIN } from './model';
import type { CatalogTheme } from './model';
import { canManageThemes } from './roles';

/** The themes in the server's order: R2.3's first, then those added, oldest first. */
export function useThemes(): AsyncState<CatalogTheme[]> {
  return useAsync(
    async (signal) =>
      (await api.get<{ items: CatalogTheme[] }>('/catalog/themes', { signal })).items,
    'catalog-themes',
  );
}

export interface ThemeValues {
  name: string;
}

export function themeNameRules(t: TFunction): FormRule[] {
  return [
    { required: true, whitespace: true, message: t('themes.nameRequired') },
    {
      validator: (_rule, value: unknown) => {
        const length = typeof value === 'string' ? [...value.trim()].length : 0;
        return length > 0 && (length < THEME_NAME_MIN || length > THEME_NAME_MAX)
          ? Promise.reject(
              new Error(t('themes.nameLength', { min: THEME_NAME_MIN, max: THEME_NAME_MAX })),
            )
          : Promise.resolve();
      },
    },
  ];
}

/**
 * Adds the theme named in `form`. Whatever the server refuses (a duplicate, a name it does not
 * accept, no permission) is shown on the name field; null then.
 */
export async function postTheme(
  form: FormInstance<ThemeValues>,
  t: TFunction,
): Promise<CatalogTheme | null> {
  let values: ThemeValues;
  try {
    values = await form.validateFields();
  } catch {
    return null;
  }
  try {
    return await api.post<CatalogTheme>('/catalog/themes', { name: values.name.trim() });
  } catch (e) {
    const fieldMessage = e instanceof ApiError ? Object.values(e.fields)[0] : undefined;
    form.setFields([{ name: 'name', errors: [fieldMessage ?? errorText(t, e)] }]);
    return null;
  }
}

/** The name field of the add-theme forms. */
export function ThemeNameItem({ testId, autoFocus }: { testId: string; autoFocus?: boolean }) {
  const { t } = useTranslation();
  return (
    <Form.Item name="name" label={t('themes.name')} rules={themeNameRules(t)}>
      <Input
        maxLength={THEME_NAME_MAX}
        placeholder={t('themes.namePlaceholder')}
        autoFocus={autoFocus}
        autoComplete="off"
        data-testid={testId}
      />
    </Form.Item>
  );
}

export function AddThemeModal({
  open,
  initialName,
  onClose,
  onCreated,
}: {
  open: boolean;
  initialName: string;
  onClose: () => void;
  onCreated: (theme: CatalogTheme) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ThemeValues>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    const created = await postTheme(form, t);
    setBusy(false);
    if (created) onCreated(created);
  };
  return (
    <Modal
      open={open}
      title={t('themes.add')}
      okText={t('themes.addOk')}
      confirmLoading={busy}
      onOk={() => {
        void submit();
      }}
      onCancel={onClose}
      destroyOnHidden
      width={440}
      okButtonProps={{ 'data-testid': 'theme-add-submit' }}
    >
      <Typography.Paragraph type="secondary">{t('themes.addHint')}</Typography.Paragraph>
      <Form<ThemeValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ name: initialName }}
        onFinish={() => {
          void submit();
        }}
      >
        <ThemeNameItem testId="theme-add-name" autoFocus />
      </Form>
    </Modal>
  );
}

/**
 * The editor's theme: one of the server's list, searchable. Authority administrators may add a
 * theme from the dropdown; it is selected once created. A value that is not (or no longer) on the
 * list stays visible, marked, so that the submit error next to it makes sense.
 */
export function ThemeSelect({
  value,
  onChange,
  id,
  testId,
}: {
  value?: string;
  onChange?: (value: string | undefined) => void;
  id?: string;
  testId: string;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const themes = useThemes();
  const [added, setAdded] = useState<CatalogTheme[]>([]);
  const [search, setSearch] = useState('');
  const [adding, setAdding] = useState<string | null>(null);
  const canAdd = canManageThemes(me);

  const names = [...(themes.data ?? []), ...added].map((th) => th.name);
  const unique = [...new Set(names)];
  const options = unique.map((name) => ({ value: name, label: name }));
  if (value && !themes.loading && !unique.includes(value)) {
    options.unshift({ value, label: t('themes.notListed', { name: value }) });
  }

  return (
    <>
      <Select
        id={id}
        value={value}
        onChange={(v: string | undefined) => onChange?.(v)}
        allowClear
        loading={themes.loading}
        placeholder={t('themes.selectPlaceholder')}
        showSearch={{ filterOption: filterOptionByLabel, onSearch: setSearch }}
        options={options}
        notFoundContent={themes.error ? errorText(t, themes.error) : t('themes.noMatch')}
        popupRender={(menu) =>
          canAdd ? (
            <>
              {menu}
              <Divider style={{ margin: '4px 0' }} />
              <Button
                type="link"
                size="small"
                icon={<PlusOutlined />}
                onMouseDown={(e) => {
                  // Keeps the select focused until the modal takes over.
                  e.preventDefault();
                }}
                onClick={() => {
                  setAdding(search.trim());
                }}
                data-testid={`${testId}-add`}
              >
                {search.trim() && !unique.includes(search.trim())
                  ? t('themes.addNamed', { name: search.trim() })
                  : t('themes.add')}
              </Button>
            </>
          ) : (
            menu
          )
        }
        data-testid={testId}
      />
      {canAdd ? (
        <AddThemeModal
          open={adding !== null}
          initialName={adding ?? ''}
          onClose={() => {
            setAdding(null);
          }}
          onCreated={(theme) => {
            setAdding(null);
            setAdded((list) => [...list, theme]);
            onChange?.(theme.name);
          }}
        />
      ) : null}
    </>
  );
}
