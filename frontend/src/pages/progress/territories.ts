import { listTerritories } from '../../api/endpoints';
import { TERRITORIES } from '../../api/types';
import { useApp } from '../../context';
import { useLoad } from '../learn';
import { territoryLabel } from '../vocab';

/** The territories as the server names them in the UI language; the known codes if the list cannot load. */
export function useTerritoryOptions(): Array<{ value: string; label: string }> {
  const { t, locale } = useApp();
  const list = useLoad(listTerritories, [locale]);
  if (list.data) return list.data.map((i) => ({ value: i.code, label: i.name }));
  return TERRITORIES.map((code) => ({ value: code, label: territoryLabel(t, code) }));
}
