import { Page } from '../components/Layout';
import { useApp } from '../context';
import { Link } from '../router';

export function NotFound() {
  const { t } = useApp();
  return (
    <Page title={t('notFound.title')}>
      <p>{t('notFound.text')}</p>
      <p>
        <Link href="/">{t('common.backHome')}</Link>
      </p>
    </Page>
  );
}
