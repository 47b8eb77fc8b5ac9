export const VERSION_STATUSES = [
  'draft',
  'queued',
  'pending',
  'approved',
  'rejected',
  'in_appeal',
  'paused',
  'disabled',
  'submit_failed',
  'deleted',
] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

/**
 * Allowed status changes (docs/domain.md, "Version status").
 * - queued may jump straight to approved/rejected: some providers decide synchronously.
 * - approved → rejected: Meta re-rejects on recategorisation (INCORRECT_CATEGORY).
 * - rejected → approved: a provider-side reversal without an appeal on our side.
 * - deleted is reachable from every state the provider knows about, except disabled (Meta refuses that).
 */
export const VERSION_TRANSITIONS: Readonly<Record<VersionStatus, readonly VersionStatus[]>> = {
  draft: ['queued'],
  queued: ['pending', 'submit_failed', 'approved', 'rejected'],
  submit_failed: ['queued'],
  pending: ['approved', 'rejected', 'deleted'],
  approved: ['paused', 'disabled', 'deleted', 'rejected'],
  paused: ['approved', 'disabled', 'deleted'],
  rejected: ['in_appeal', 'approved', 'deleted'],
  in_appeal: ['approved', 'rejected', 'deleted'],
  disabled: [],
  deleted: [],
};

export function isVersionStatus(value: string): value is VersionStatus {
  return (VERSION_STATUSES as readonly string[]).includes(value);
}

export function isEditable(status: VersionStatus): boolean {
  return status === 'draft';
}

export function canSubmit(status: VersionStatus): boolean {
  return status === 'draft' || status === 'submit_failed';
}

export function canAppeal(status: VersionStatus): boolean {
  return status === 'rejected';
}

export function isServable(status: VersionStatus): boolean {
  return status === 'approved';
}

export function isFinal(status: VersionStatus): boolean {
  return status === 'disabled' || status === 'deleted';
}

export function canTransition(from: VersionStatus, to: VersionStatus): boolean {
  return VERSION_TRANSITIONS[from].includes(to);
}

/** Meta and Gupshup status words we understand. Anything else is kept raw and never read as approval. */
export const PROVIDER_STATUS_MAP: ReadonlyMap<string, VersionStatus> = new Map([
  ['APPROVED', 'approved'],
  ['REINSTATED', 'approved'],
  ['PENDING', 'pending'],
  ['REJECTED', 'rejected'],
  // Gupshup's FAILED is a rejection on its side; it must not vanish into an unknown status.
  ['FAILED', 'rejected'],
  ['PAUSED', 'paused'],
  ['DISABLED', 'disabled'],
  ['IN_APPEAL', 'in_appeal'],
  ['DELETED', 'deleted'],
  ['PENDING_DELETION', 'deleted'],
]);

/**
 * Provider statuses we understand that change nothing we serve: Meta's FLAGGED (quality warning,
 * still sendable) and LOCKED (no edits). They are kept in the history as notes.
 */
export const NOTED_PROVIDER_STATUSES: ReadonlySet<string> = new Set(['FLAGGED', 'LOCKED']);

/** Upper case with underscores, whichever way the provider wrote it (Gupshup's webhook is lower case). */
export function normaliseProviderStatus(raw: string): string {
  return raw
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
}

export function mapProviderStatus(raw: string): VersionStatus | null {
  return PROVIDER_STATUS_MAP.get(normaliseProviderStatus(raw)) ?? null;
}
