import { Tag, Tooltip } from 'antd';
import type { TFunction } from 'i18next';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { useMe } from '../auth';
import type { ListResponse, Region, RegionSettings } from '../types';
import type { Classification, OpenClass, ResourceStatus, ShareClass, TriggerKind } from './model';
import { CLASSIFICATIONS, DOMAINS, FORMAT_CATEGORIES, OPEN_CLASSES, UPDATE_CYCLES } from './model';

type ShareClassNames = RegionSettings['shareClassNames'];

const DEFAULT_NAMES: ShareClassNames = {
  unconditional: '无条件共享',
  conditional: '有条件共享',
  none: '不予共享',
};

/**
 * Region settings, fetched once per signed-in user and shared by every tag on the page (a search
 * page shows dozens). `forgetRegionSettings()` drops them after the settings were edited.
 */
let regionCache: { userId: string; promise: Promise<Region[]>; value: Region[] | null } | null =
  null;

function loadRegions(userId: string): Promise<Region[]> {
  if (regionCache?.userId !== userId) {
    const entry: NonNullable<typeof regionCache> = {
      userId,
      value: null,
      promise: api
        .get<ListResponse<Region>>('/regions')
        .then((res) => res.items)
        .catch(() => {
          // Not cached: asked again next time. Until then the national default names are shown.
          if (regionCache === entry) regionCache = null;
          return [];
        }),
    };
    entry.promise = entry.promise.then((items) => {
      entry.value = items;
      return items;
    });
    regionCache = entry;
  }
  return regionCache.promise;
}

export function forgetRegionSettings(): void {
  regionCache = null;
}

function useRegionList(userId: string): Region[] | null {
  const cached = regionCache?.userId === userId ? regionCache.value : null;
  const [regions, setRegions] = useState<Region[] | null>(cached);
  useEffect(() => {
    let active = true;
    void loadRegions(userId).then((items) => {
      if (active) setRegions(items);
    });
    return () => {
      active = false;
    };
  }, [userId]);
  return regions;
}

/**
 * The display names of the share classes in the user's region (settings.shareClassNames; e.g.
 * Shanghai says 授权共享 for conditional). In English the English name is shown, with the
 * region's own name beside it when the region renames the class.
 */
export function useShareClassName(): (value: string) => string {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const regions = useRegionList(me.user.id);
  const regionCode = me.memberships[0]?.regionCode;
  const names = useMemo<ShareClassNames>(
    () => regions?.find((r) => r.code === regionCode)?.settings.shareClassNames ?? DEFAULT_NAMES,
    [regions, regionCode],
  );
  const english = i18n.language === 'en';
  return useCallback(
    (value: string) => {
      if (value !== 'unconditional' && value !== 'conditional' && value !== 'none') return value;
      const regional = names[value];
      if (!english) return regional;
      const label = t(`catalog.shareClass.${value}`);
      return regional === DEFAULT_NAMES[value] ? label : `${label} (${regional})`;
    },
    [names, english, t],
  );
}

const STATUS_COLORS: Record<ResourceStatus, string> = {
  draft: 'default',
  submitted: 'processing',
  returned: 'warning',
  published: 'success',
  superseded: 'default',
  withdrawn: 'error',
};

export function StatusTag({ status }: { status: ResourceStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLORS[status]} data-testid="status-tag" data-status={status}>
      {t(`catalog.status.${status}`)}
    </Tag>
  );
}

const SHARE_COLORS: Record<ShareClass, string> = {
  unconditional: 'green',
  conditional: 'gold',
  none: 'default',
};

export function ShareClassTag({ value }: { value: string }) {
  const name = useShareClassName();
  const color = SHARE_COLORS[value as ShareClass] as string | undefined;
  return <Tag color={color ?? 'default'}>{name(value)}</Tag>;
}

const OPEN_COLORS: Record<OpenClass, string> = {
  unconditional: 'cyan',
  conditional: 'blue',
  none: 'default',
};

export function OpenClassTag({ value }: { value: string }) {
  const { t } = useTranslation();
  const color = OPEN_COLORS[value as OpenClass] as string | undefined;
  return <Tag color={color ?? 'default'}>{enumLabel(t, 'openClass', value)}</Tag>;
}

const CLASSIFICATION_COLORS: Record<Classification, string> = {
  base: 'volcano',
  thematic: 'purple',
  departmental: 'geekblue',
};

export function ClassificationTag({ value }: { value: string }) {
  const { t } = useTranslation();
  const color = CLASSIFICATION_COLORS[value as Classification] as string | undefined;
  return <Tag color={color ?? 'default'}>{enumLabel(t, 'classification', value)}</Tag>;
}

export function TriggerKindTag({ kind }: { kind: TriggerKind }) {
  const { t } = useTranslation();
  return <Tag color={kind === 'law' ? 'magenta' : 'blue'}>{t(`catalog.triggerKind.${kind}`)}</Tag>;
}

type EnumGroup = 'classification' | 'openClass' | 'format' | 'cycle' | 'domain';

const KNOWN: Record<EnumGroup, readonly string[]> = {
  classification: CLASSIFICATIONS,
  openClass: OPEN_CLASSES,
  format: FORMAT_CATEGORIES,
  cycle: UPDATE_CYCLES,
  domain: DOMAINS,
};

/** The label of an enumeration value the server sent as a string (unknown values shown as is). */
export function enumLabel(t: TFunction, group: EnumGroup, value: string): string {
  if (!KNOWN[group].includes(value)) return value;
  switch (group) {
    case 'classification':
      return t(`catalog.classification.${value as Classification}`);
    case 'openClass':
      return t(`catalog.openClass.${value as OpenClass}`);
    case 'format':
      return t(`catalog.format.${value as (typeof FORMAT_CATEGORIES)[number]}`);
    case 'cycle':
      return t(`catalog.cycle.${value as (typeof UPDATE_CYCLES)[number]}`);
    case 'domain':
      return t(`catalog.domain.${value as (typeof DOMAINS)[number]}`);
  }
}

/** A tag with a tooltip for long text, used for reviewer comments on a field. */
export function CommentMark({ comment }: { comment: string }) {
  const { t } = useTranslation();
  return (
    <Tooltip title={comment}>
      <Tag color="orange" className="comment-mark">
        {t('review.fieldCommentMark')}
      </Tag>
    </Tooltip>
  );
}
