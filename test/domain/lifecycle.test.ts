import { describe, expect, it } from 'vitest';
import {
  canAppeal,
  canSubmit,
  canTransition,
  isEditable,
  isFinal,
  isServable,
  isVersionStatus,
  mapProviderStatus,
  VERSION_STATUSES,
  VERSION_TRANSITIONS,
  type VersionStatus,
} from '../../src/domain/lifecycle.ts';

const allowed: Array<[VersionStatus, VersionStatus]> = [
  ['draft', 'queued'],
  ['queued', 'pending'],
  ['queued', 'submit_failed'],
  ['queued', 'approved'],
  ['queued', 'rejected'],
  ['submit_failed', 'queued'],
  ['pending', 'approved'],
  ['pending', 'rejected'],
  ['pending', 'deleted'],
  ['approved', 'paused'],
  ['approved', 'disabled'],
  ['approved', 'deleted'],
  ['approved', 'rejected'],
  ['paused', 'approved'],
  ['paused', 'disabled'],
  ['paused', 'deleted'],
  ['rejected', 'in_appeal'],
  ['rejected', 'approved'],
  ['rejected', 'deleted'],
  ['in_appeal', 'approved'],
  ['in_appeal', 'rejected'],
  ['in_appeal', 'deleted'],
];
const allowedKeys = new Set(allowed.map(([from, to]) => `${from}->${to}`));
const allPairs = VERSION_STATUSES.flatMap((from) => VERSION_STATUSES.map((to) => [from, to] as const));
const forbidden = allPairs.filter(([from, to]) => !allowedKeys.has(`${from}->${to}`));

describe('canTransition', () => {
  it.each(allowed)('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it.each(forbidden)('forbids %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('has exactly the documented table', () => {
    const table = Object.entries(VERSION_TRANSITIONS).flatMap(([from, tos]) =>
      tos.map((to) => `${from}->${to}`),
    );
    expect(new Set(table)).toEqual(allowedKeys);
  });

  it('never lets a final status change', () => {
    for (const status of VERSION_STATUSES.filter(isFinal)) {
      expect(VERSION_TRANSITIONS[status]).toEqual([]);
    }
  });

  it('never lets a version return to draft', () => {
    for (const from of VERSION_STATUSES) expect(canTransition(from, 'draft')).toBe(false);
  });
});

describe('status predicates', () => {
  const truth = (predicate: (status: VersionStatus) => boolean) => VERSION_STATUSES.filter(predicate);

  it('allows editing only drafts', () => {
    expect(truth(isEditable)).toEqual(['draft']);
  });

  it('allows submitting drafts and failed submissions', () => {
    expect(truth(canSubmit)).toEqual(['draft', 'submit_failed']);
  });

  it('allows appealing only rejected versions', () => {
    expect(truth(canAppeal)).toEqual(['rejected']);
  });

  it('serves only approved versions', () => {
    expect(truth(isServable)).toEqual(['approved']);
  });

  it('treats disabled and deleted as final', () => {
    expect(truth(isFinal)).toEqual(['disabled', 'deleted']);
  });

  it('recognises status strings', () => {
    expect(isVersionStatus('in_appeal')).toBe(true);
    expect(isVersionStatus('APPROVED')).toBe(false);
  });
});

describe('mapProviderStatus', () => {
  it.each<[string, VersionStatus]>([
    ['APPROVED', 'approved'],
    ['approved', 'approved'],
    [' Approved ', 'approved'],
    ['REINSTATED', 'approved'],
    ['PENDING', 'pending'],
    ['REJECTED', 'rejected'],
    ['FAILED', 'rejected'],
    ['failed', 'rejected'],
    ['PAUSED', 'paused'],
    ['DISABLED', 'disabled'],
    ['IN_APPEAL', 'in_appeal'],
    ['in appeal', 'in_appeal'],
    ['DELETED', 'deleted'],
    ['PENDING_DELETION', 'deleted'],
  ])('maps %j to %s', (raw, status) => {
    expect(mapProviderStatus(raw)).toBe(status);
  });

  it.each([
    'FLAGGED',
    'LOCKED',
    'ARCHIVED',
    'UNARCHIVED',
    'LIMIT_EXCEEDED',
    'UNPAUSED',
    'APPROVED_ISH',
    '',
    '__proto__',
  ])('returns null for the unknown or ambiguous status %j, never approval', (raw) => {
    expect(mapProviderStatus(raw)).toBeNull();
  });
});
