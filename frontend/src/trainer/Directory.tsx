// The directory's upkeep: the tools panel (export, add, import) and each service's actions.
import { useState } from 'preact/hooks';
import { isolate } from '../i18n';
import { ApiError } from '../api/client';
import { directoryExportUrl } from '../api/endpoints';
import { deleteService, importServices, verifyService } from '../api/trainer';
import type { DirectoryService, ImportReport } from '../api/types';
import { Alert, FieldFrame, Status } from '../components/forms';
import { useApp } from '../context';
import { describeError } from '../errors';
import { DeleteButton, Problems, useAction } from '../authoring/fields';
import { territoryLabel } from '../pages/vocab';
import { ServiceForm } from './ServiceForm';
import { Sentence } from '../components/bidi';

function ImportForm({ onImported }: { onImported: () => void }) {
  const { t } = useApp();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    if (busy) return;
    setReport(null);
    setError(null);
    if (!file) {
      setMissing(true);
      return;
    }
    setMissing(false);
    setBusy(true);
    try {
      const text = await file.text();
      setReport(await importServices(text));
      onImported();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const problems = error instanceof ApiError ? error.problems : [];
  return (
    <form class="stack import-form" onSubmit={submit} noValidate>
      <FieldFrame name="directory-csv" label={t('directory.import')} hint={t('directory.importHint')} error={missing ? t('directory.importPick') : undefined}>
        {(a11y) => (
          <input
            {...a11y}
            type="file"
            name="directory-csv"
            accept=".csv,text/csv"
            onChange={(ev) => setFile((ev.currentTarget as HTMLInputElement).files?.[0] ?? null)}
          />
        )}
      </FieldFrame>
      {error != null &&
        (problems.length > 0 ? (
          <div class="alert alert--error import-errors" role="alert">
            <p>{t('directory.importFailed', { n: problems.length })}</p>
            <ul class="problems">
              {/* The server's words: they name the line and the column. */}
              {problems.map((pr, i) => (
                <li key={i} lang="en" dir="ltr">
                  {pr.message}
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <Alert message={describeError(error, t)} />
        ))}
      <Status
        message={report ? t('directory.importDone', { created: report.created, updated: report.updated, unchanged: report.unchanged }) : null}
      />
      <button type="submit" class="button" disabled={busy}>
        {busy ? t('common.sending') : t('directory.importSubmit')}
      </button>
    </form>
  );
}

export function DirectoryTools({ territory, onChanged }: { territory: string; onChanged: () => void }) {
  const { t } = useApp();
  return (
    <section class="panel directory-tools" aria-labelledby="directory-tools">
      <h2 id="directory-tools">{t('directory.tools')}</h2>
      <p>
        <a class="button" href={directoryExportUrl(territory)} download>
          {t('directory.export')}
          {territory && ` — ${territoryLabel(t, territory)}`}
        </a>
      </p>
      <details class="disclosure">
        <summary>{t('directory.addTitle')}</summary>
        <ServiceForm service={null} territory={territory} onSaved={onChanged} />
      </details>
      <details class="disclosure">
        <summary>{t('directory.import')}</summary>
        <ImportForm onImported={onChanged} />
      </details>
    </section>
  );
}

export function ServiceActions({
  service,
  onUpdated,
  onDeleted,
}: {
  service: DirectoryService;
  onUpdated: (s: DirectoryService) => void;
  onDeleted: () => void;
}) {
  const { t } = useApp();
  const action = useAction();
  const [editing, setEditing] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const formId = `edit-${service.id}`;
  return (
    <div class="service-actions">
      <div class="toolbar">
        <button
          type="button"
          class="button button--small"
          disabled={action.busy}
          onClick={() =>
            void action.run(async () => {
              setMessage(null);
              const updated = await verifyService(service.id);
              onUpdated(updated);
              setMessage(t('directory.verified', { name: isolate(updated.name) }));
            })
          }
        >
          {t('directory.verify')}
        </button>
        <button type="button" class="button button--small" aria-expanded={editing} onClick={() => setEditing(!editing)}>
          {t('directory.edit')}
        </button>
        <DeleteButton
          action={action}
          question={t('directory.deleteConfirm', { name: isolate(service.name) })}
          act={async () => {
            await deleteService(service.id);
            onDeleted();
          }}
        >
          {t('directory.delete')}
        </DeleteButton>
      </div>
      <Status message={message} />
      <Problems error={action.error} />
      {editing && (
        <div id={formId} class="service-edit">
          <h3>
            <Sentence text={t('directory.editTitle')} parts={{ name: service.name }} />
          </h3>
          <ServiceForm
            service={service}
            territory={service.territory}
            onSaved={(s) => {
              onUpdated(s);
              setEditing(false);
              setMessage(t('directory.saved'));
            }}
            onCancel={() => setEditing(false)}
          />
        </div>
      )}
    </div>
  );
}
