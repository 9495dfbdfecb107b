import { useEffect, useState } from 'preact/hooks';
import { DashboardTemplateDocument, type DashboardTemplateQuery } from '../../graphql/generated/operations.ts';
import { request } from '../api.ts';
import { label, when, sourceName } from '../format.ts';
import { fillTemplate } from './preview.ts';

type Template = Extract<NonNullable<DashboardTemplateQuery['node']>, { __typename: 'Template' }>;
type Finding = Template['reviewFindings'][number];

const findingId = (i: number) => `finding-${i + 1}`;

/** One part of the template as written, line by line, with each finding's construct marked. */
function SourceView({ field, source, findings }: { field: string; source: string; findings: { finding: Finding; index: number }[] }) {
  const lines = source.split(/\r\n|\r|\n/);
  return (
    <figure class="source-view">
      <figcaption>{label(field)} as imported</figcaption>
      <pre tabIndex={0} aria-label={`${label(field)} source`}>
        {lines.map((line, i) => {
          const here = findings.filter((f) => f.finding.line === i + 1).sort((a, b) => a.finding.column - b.finding.column);
          const parts = [];
          let at = 0;
          for (const { finding, index } of here) {
            const start = Math.max(finding.column - 1, at);
            const end = Math.min(start + Math.max(finding.construct.length, 1), line.length);
            if (start >= line.length) continue;
            parts.push(line.slice(at, start));
            parts.push(<mark id={findingId(index)} key={index} title={finding.message}>{line.slice(start, end)}</mark>);
            at = end;
          }
          parts.push(line.slice(at));
          return <div key={i} class="source-line"><span class="line-no" aria-hidden="true">{i + 1}</span>{parts}</div>;
        })}
      </pre>
    </figure>
  );
}

/** A template: its HTML rendered with the source's sample data in a sandboxed frame, and what to review. */
export function TemplateView({ id }: { id: string }) {
  const [template, setTemplate] = useState<Template | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    request(DashboardTemplateDocument, { id }).then(
      (d) => (d.node?.__typename === 'Template' ? setTemplate(d.node) : setError('There is no such template in this organization.')),
      (err: Error) => setError(err.message),
    );
  }, [id]);

  if (error) return <p role="alert" class="error">{error}</p>;
  if (!template) return <p aria-busy="true">Loading the template…</p>;
  const data = template.previewData ?? null;
  const findings = template.reviewFindings.map((finding, index) => ({ finding, index }));
  const sources: [string, string | null][] = [['subject', template.subject], ['html', template.html], ['text', template.text]];
  const show = (i: number) => {
    const mark = document.getElementById(findingId(i));
    mark?.scrollIntoView({ block: 'center' });
    mark?.closest('pre')?.focus();
  };

  return (
    <section>
      <p><a href="#/browse/templates">← Templates</a></p>
      <h1>{template.name} {template.needsReview && <span class="status failed">Needs a look</span>}</h1>
      <p class="muted">
        {label(template.status)} at {template.sourceProvider ? sourceName(template.sourceProvider) : 'the source'}
        {template.alias && ` · alias ${template.alias}`} · updated {when(template.updatedAt)}
      </p>
      <dl class="facts">
        <dt>Subject</dt><dd data-testid="preview-subject">{template.subject ? fillTemplate(template.subject, data) : '–'}</dd>
        <dt>From</dt><dd>{template.from ?? '–'}</dd>
        {template.replyTo && <><dt>Reply to</dt><dd>{template.replyTo.join(', ')}</dd></>}
      </dl>

      {findings.length > 0 && (
        <div class="card">
          <h2>Review findings ({findings.length})</h2>
          <ol>
            {findings.map(({ finding, index }) => (
              <li key={index} data-finding={finding.code}>
                <strong>{label(finding.code)}</strong> in {finding.field}, line {finding.line}, column {finding.column}
                {finding.construct && <> · <code>{finding.construct}</code></>}
                <div class="small">{finding.message}</div>
                {sources.some(([field, src]) => field === finding.field && src) && (
                  <button type="button" class="secondary small" onClick={() => show(index)}>Show in the source</button>
                )}
              </li>
            ))}
          </ol>
        </div>
      )}

      <div class="card">
        <h2>Preview</h2>
        <p class="small muted">
          {data ? 'Filled with the source’s sample data (or its variables’ fallbacks); a variable with neither is shown as written.' : 'The source kept no sample data: variables without a fallback are shown as written.'}
          {' '}Loops, conditionals and helpers are shown as written: this platform does not render them.
        </p>
        <iframe class="preview" title={`Preview of ${template.name}`} sandbox="" srcdoc={fillTemplate(template.html, data)} />
        {data && (
          <details>
            <summary>Sample data</summary>
            <pre class="small">{JSON.stringify(data, null, 2)}</pre>
          </details>
        )}
      </div>

      {sources.map(([field, src]) =>
        src && (field === 'html' || findings.some((f) => f.finding.field === field)) ? (
          <SourceView key={field} field={field} source={src} findings={findings.filter((f) => f.finding.field === field)} />
        ) : null,
      )}
      {template.text && !findings.some((f) => f.finding.field === 'text') && (
        <details class="card"><summary>Plain-text body</summary><pre>{template.text}</pre></details>
      )}
    </section>
  );
}
