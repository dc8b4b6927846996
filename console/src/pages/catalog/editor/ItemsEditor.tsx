import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  DeleteOutlined,
  PlusOutlined,
} from '@ant-design/icons';
import {
  Alert,
  Button,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Tooltip,
} from 'antd';
import type { FormInstance, FormListFieldData, TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { pathLabel } from '../../../catalog/fields';
import {
  COLUMN_PATTERN,
  DATA_TYPES,
  LENGTH_TYPES,
  MASKING_RULES,
  SENSITIVITIES,
  VALIDATOR_KINDS,
  emptyItem,
} from '../../../catalog/model';
import type { EditorValues, ItemValues } from './form';

const cell = { style: { marginBottom: 0 } };

/**
 * The data items (信息项) of an entry as an editable table: one row per item, rows added,
 * removed and moved; errors from the server appear in the cell they concern.
 */
export function ItemsEditor({
  form,
  fieldComments,
}: {
  form: FormInstance<EditorValues>;
  fieldComments: Record<string, string>;
}) {
  const { t } = useTranslation();
  const items = Form.useWatch('items', form) as ItemValues[] | undefined;

  const commentsOf = (index: number) =>
    Object.entries(fieldComments)
      .filter(([p]) => p === `items.${String(index)}` || p.startsWith(`items.${String(index)}.`))
      .map(([p, c]) => `${pathLabel(t, p)}：${c}`);

  return (
    <Form.List name="items">
      {(fields, { add, remove, move }, { errors }) => {
        const columns: TableColumnsType<FormListFieldData> = [
          {
            title: '#',
            key: 'index',
            width: 56,
            fixed: 'left',
            render: (_: unknown, field, index) => {
              const comments = commentsOf(field.name);
              return comments.length ? (
                <Tooltip title={<div className="pre-wrap">{comments.join('\n')}</div>}>
                  <Tag color="orange" style={{ marginInlineEnd: 0 }}>
                    {index + 1}
                  </Tag>
                </Tooltip>
              ) : (
                index + 1
              );
            },
          },
          {
            title: t('catalog.item.name'),
            key: 'name',
            width: 170,
            fixed: 'left',
            render: (_: unknown, field) => (
              <Form.Item
                {...cell}
                name={[field.name, 'name']}
                rules={[
                  { required: true, whitespace: true, message: t('editor.itemNameRequired') },
                ]}
              >
                <Input maxLength={100} data-testid={`item-name-${String(field.name)}`} />
              </Form.Item>
            ),
          },
          {
            title: t('catalog.item.column'),
            key: 'column',
            width: 170,
            render: (_: unknown, field) => (
              <Form.Item
                {...cell}
                name={[field.name, 'column']}
                rules={[
                  { required: true, message: t('editor.columnRequired') },
                  { pattern: COLUMN_PATTERN, message: t('editor.columnPattern') },
                ]}
              >
                <Input
                  className="mono"
                  maxLength={63}
                  placeholder="snake_case"
                  data-testid={`item-column-${String(field.name)}`}
                />
              </Form.Item>
            ),
          },
          {
            title: t('catalog.item.type'),
            key: 'type',
            width: 140,
            render: (_: unknown, field) => (
              <Form.Item {...cell} name={[field.name, 'type']}>
                <Select
                  options={DATA_TYPES.map((d) => ({ value: d, label: t(`catalog.dataType.${d}`) }))}
                  data-testid={`item-type-${String(field.name)}`}
                />
              </Form.Item>
            ),
          },
          {
            title: t('catalog.item.length'),
            key: 'length',
            width: 100,
            render: (_: unknown, field) => {
              const type = items?.[field.name]?.type;
              return (
                <Form.Item
                  {...cell}
                  name={[field.name, 'length']}
                  rules={[
                    {
                      required: type ? LENGTH_TYPES.includes(type) : false,
                      message: t('editor.lengthRequired'),
                    },
                  ]}
                >
                  <InputNumber
                    min={1}
                    max={100000}
                    precision={0}
                    style={{ width: '100%' }}
                    data-testid={`item-length-${String(field.name)}`}
                  />
                </Form.Item>
              );
            },
          },
          {
            title: t('catalog.item.key'),
            key: 'key',
            width: 64,
            align: 'center',
            render: (_: unknown, field) => (
              <Form.Item {...cell} name={[field.name, 'key']} valuePropName="checked">
                <Switch
                  size="small"
                  onChange={(on) => {
                    // A key identifies a row, so it is always required.
                    if (on) form.setFieldValue(['items', field.name, 'required'], true);
                  }}
                  data-testid={`item-key-${String(field.name)}`}
                />
              </Form.Item>
            ),
          },
          {
            title: t('catalog.item.required'),
            key: 'required',
            width: 76,
            align: 'center',
            render: (_: unknown, field) => (
              <Form.Item {...cell} name={[field.name, 'required']} valuePropName="checked">
                <Switch size="small" data-testid={`item-required-${String(field.name)}`} />
              </Form.Item>
            ),
          },
          {
            title: t('catalog.item.queryable'),
            key: 'queryable',
            width: 84,
            align: 'center',
            render: (_: unknown, field) => (
              <Form.Item {...cell} name={[field.name, 'queryable']} valuePropName="checked">
                <Switch size="small" data-testid={`item-queryable-${String(field.name)}`} />
              </Form.Item>
            ),
          },
          {
            title: t('catalog.item.validator'),
            key: 'validator',
            width: 300,
            render: (_: unknown, field) => {
              const kind = items?.[field.name]?.validator?.kind ?? 'none';
              return (
                <Space.Compact style={{ width: '100%' }}>
                  <Form.Item {...cell} name={[field.name, 'validator', 'kind']}>
                    <Select
                      style={{ width: kind === 'enum' || kind === 'regex' ? 120 : 280 }}
                      options={VALIDATOR_KINDS.map((k) => ({
                        value: k,
                        label: t(`catalog.validator.${k}`),
                      }))}
                      data-testid={`item-validator-${String(field.name)}`}
                    />
                  </Form.Item>
                  {kind === 'enum' ? (
                    <Form.Item
                      {...cell}
                      name={[field.name, 'validator', 'values']}
                      style={{ marginBottom: 0, flex: 1 }}
                      rules={[{ required: true, message: t('editor.enumRequired') }]}
                    >
                      <Select
                        mode="tags"
                        tokenSeparators={[',', '，', '、']}
                        placeholder={t('catalog.item.values')}
                        open={false}
                        suffixIcon={null}
                        data-testid={`item-values-${String(field.name)}`}
                      />
                    </Form.Item>
                  ) : null}
                  {kind === 'regex' ? (
                    <Form.Item
                      {...cell}
                      name={[field.name, 'validator', 'pattern']}
                      style={{ marginBottom: 0, flex: 1 }}
                      rules={[
                        { required: true, message: t('editor.patternRequired') },
                        {
                          validator: (_r, value: string | undefined) => {
                            try {
                              new RegExp(value ?? '');
                              return Promise.resolve();
                            } catch {
                              return Promise.reject(new Error(t('editor.patternInvalid')));
                            }
                          },
                        },
                      ]}
                    >
                      <Input
                        className="mono"
                        placeholder="^[0-9]+$"
                        data-testid={`item-pattern-${String(field.name)}`}
                      />
                    </Form.Item>
                  ) : null}
                </Space.Compact>
              );
            },
          },
          {
            title: t('catalog.item.sensitivity'),
            key: 'sensitivity',
            width: 140,
            render: (_: unknown, field) => (
              <Form.Item {...cell} name={[field.name, 'sensitivity']}>
                <Select
                  options={SENSITIVITIES.map((s) => ({
                    value: s,
                    label: t(`catalog.sensitivity.${s}`),
                  }))}
                  data-testid={`item-sensitivity-${String(field.name)}`}
                />
              </Form.Item>
            ),
          },
          {
            title: t('catalog.item.masking'),
            key: 'masking',
            width: 120,
            render: (_: unknown, field) => (
              <Form.Item {...cell} name={[field.name, 'masking']}>
                <Select
                  options={MASKING_RULES.map((m) => ({
                    value: m,
                    label: t(`catalog.masking.${m}`),
                  }))}
                  data-testid={`item-masking-${String(field.name)}`}
                />
              </Form.Item>
            ),
          },
          {
            title: (
              <Tooltip title={t('editor.authoritativeHint')}>
                <span className="dotted">{t('catalog.item.authoritative')}</span>
              </Tooltip>
            ),
            key: 'authoritative',
            width: 84,
            align: 'center',
            render: (_: unknown, field) => (
              <Form.Item {...cell} name={[field.name, 'authoritative']} valuePropName="checked">
                <Switch size="small" data-testid={`item-authoritative-${String(field.name)}`} />
              </Form.Item>
            ),
          },
          {
            title: t('catalog.item.description'),
            key: 'description',
            width: 220,
            render: (_: unknown, field) => (
              <Form.Item {...cell} name={[field.name, 'description']}>
                <Input maxLength={500} data-testid={`item-description-${String(field.name)}`} />
              </Form.Item>
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 116,
            fixed: 'right',
            render: (_: unknown, field, index) => (
              <Space size={0}>
                <Tooltip title={t('editor.moveUp')}>
                  <Button
                    type="text"
                    size="small"
                    icon={<ArrowUpOutlined />}
                    aria-label={t('editor.moveUp')}
                    disabled={index === 0}
                    onClick={() => {
                      move(index, index - 1);
                    }}
                  />
                </Tooltip>
                <Tooltip title={t('editor.moveDown')}>
                  <Button
                    type="text"
                    size="small"
                    icon={<ArrowDownOutlined />}
                    aria-label={t('editor.moveDown')}
                    disabled={index === fields.length - 1}
                    onClick={() => {
                      move(index, index + 1);
                    }}
                  />
                </Tooltip>
                <Tooltip title={t('common.delete')}>
                  <Button
                    type="text"
                    size="small"
                    danger
                    icon={<DeleteOutlined />}
                    aria-label={t('common.delete')}
                    onClick={() => {
                      remove(field.name);
                    }}
                    data-testid={`item-remove-${String(field.name)}`}
                  />
                </Tooltip>
              </Space>
            ),
          },
        ];
        return (
          <>
            {errors.length > 0 ? (
              <Alert
                type="error"
                showIcon
                style={{ marginBottom: 12 }}
                title={<Form.ErrorList errors={errors} />}
                data-testid="items-error"
              />
            ) : null}
            <Table<FormListFieldData>
              rowKey="key"
              size="small"
              columns={columns}
              dataSource={fields}
              pagination={false}
              scroll={{ x: 1840 }}
              rowClassName={(field) => (commentsOf(field.name).length ? 'row-commented' : '')}
              locale={{ emptyText: t('editor.noItems') }}
              className="items-editor"
              data-testid="items-editor"
            />
            <Button
              type="dashed"
              block
              icon={<PlusOutlined />}
              style={{ marginTop: 12 }}
              onClick={() => {
                add({ ...emptyItem(), validator: { kind: 'none' } });
              }}
              data-testid="editor-add-item"
            >
              {t('editor.addItem')}
            </Button>
          </>
        );
      }}
    </Form.List>
  );
}
