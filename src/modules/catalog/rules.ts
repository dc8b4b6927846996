import { text, type LocalizedText } from '../../core/errors.ts';
import { TABULAR_FORMATS, type ResourceContentDto } from './model.ts';

/**
 * The rules a catalog entry must satisfy when submitted (issue 3), each reported as a field error that
 * cites its rule. Pure: the same check runs on submit, on import, and in the console's editor preview.
 */
export function checkResourceRules(content: ResourceContentDto): Record<string, LocalizedText> {
  const errors: Record<string, LocalizedText> = {};
  const { share, open } = content;

  // R2.3: base resources name their base kind; thematic ones their theme.
  if (content.classification === 'base' && !content.baseKind) {
    errors.baseKind = text(
      '基础资源须选择基础库类别（R2.3）',
      'a base resource names its base kind (R2.3)',
    );
  }
  if (content.classification === 'thematic' && !content.theme) {
    errors.theme = text('主题资源须填写主题（R2.3）', 'a thematic resource names its theme (R2.3)');
  }
  // R4.2: base data is shared unconditionally.
  if (content.classification === 'base' && share.class !== 'unconditional') {
    errors['share.class'] = text(
      '基础资源应无条件共享（R4.2）',
      'base resources are shared unconditionally (R4.2)',
    );
  }
  // R4.2: not shared needs a legal basis; conditional and not shared need reasons.
  if (share.class === 'none' && !share.legalBasis?.trim()) {
    errors['share.legalBasis'] = text(
      '不予共享须列明法律、行政法规或国家政策依据（R4.2）',
      'class "none" needs a legal basis: law, administrative regulation or central policy (R4.2)',
    );
  }
  if ((share.class === 'conditional' || share.class === 'none') && !share.reasons?.trim()) {
    errors['share.reasons'] = text(
      '有条件共享和不予共享须说明理由（R4.2）',
      'conditional and "none" classes state their reasons (R4.2)',
    );
  }
  if (share.class === 'conditional' && !share.conditions?.trim()) {
    errors['share.conditions'] = text(
      '有条件共享须列明共享条件（R4.1）',
      'conditional sharing states its conditions (R4.1)',
    );
  }
  if (share.class !== 'none' && share.deliveryMethods.length === 0) {
    errors['share.deliveryMethods'] = text(
      '须选择至少一种共享方式（R4.7）',
      'choose at least one delivery method (R4.7)',
    );
  }
  // Data not shared between departments is not opened to the public either.
  if (share.class === 'none' && open.class !== 'none') {
    errors['open.class'] = text(
      '不予共享的数据不得向社会开放',
      'data not shared between departments is not opened to the public',
    );
  }
  if (open.class === 'conditional' && !open.conditions?.trim()) {
    errors['open.conditions'] = text(
      '有条件开放须公布开放条件（R5.5）',
      'conditional opening publishes its conditions (R5.5)',
    );
  }
  // R6.3: personal data is never opened without conditions.
  const personal = content.items.findIndex((item) => item.sensitivity !== 'none');
  if (open.class === 'unconditional' && personal >= 0) {
    errors['open.class'] = text(
      `信息项“${content.items[personal]?.name ?? ''}”含个人信息，不得无条件开放（R6.3）`,
      `item "${content.items[personal]?.column ?? ''}" holds personal data and cannot be opened unconditionally (R6.3)`,
    );
  }

  const tabular = TABULAR_FORMATS.includes(content.formatCategory);
  if (tabular && content.items.length === 0) {
    errors.items = text(
      '表格类资源至少需要一个信息项',
      'tabular resources need at least one data item',
    );
  } else if (tabular && !content.items.some((item) => item.key)) {
    errors.items = text(
      '表格类资源须指定主键信息项',
      'tabular resources need at least one key item',
    );
  }
  const columns = new Map<string, number>();
  const names = new Map<string, number>();
  content.items.forEach((item, index) => {
    const column = item.column.toLowerCase();
    if (columns.has(column)) {
      errors[`items.${index}.column`] = text(
        `字段名 ${item.column} 重复`,
        `duplicate column name ${item.column}`,
      );
    }
    columns.set(column, index);
    if (names.has(item.name)) {
      errors[`items.${index}.name`] = text(
        `信息项名称“${item.name}”重复`,
        `duplicate item name ${item.name}`,
      );
    }
    names.set(item.name, index);
    // A key identifies a row, so it can never be empty.
    if (item.key && !item.required) {
      errors[`items.${index}.required`] = text(
        '主键信息项必须为必填',
        'a key item must be required',
      );
    }
    if (item.validator?.kind === 'enum' && !item.validator.values?.length) {
      errors[`items.${index}.validator`] = text(
        '枚举校验须列出取值',
        'an enumeration validator lists its values',
      );
    }
    if (item.validator?.kind === 'regex') {
      try {
        new RegExp(item.validator.pattern ?? '');
        if (!item.validator.pattern) throw new Error('empty');
      } catch {
        errors[`items.${index}.validator`] = text(
          '正则表达式无效',
          'the regular expression is invalid',
        );
      }
    }
    if ((item.type === 'C' || item.type === 'N') && item.length === undefined) {
      errors[`items.${index}.length`] = text(
        '字符型、数值型须填写长度',
        'character and numeric items need a length',
      );
    }
  });
  return errors;
}
