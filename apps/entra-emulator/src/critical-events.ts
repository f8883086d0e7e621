/**
 * Continuous Access Evaluation's critical events, as the emulator records them per user: what
 * happened and when. Entra keeps the same per user (Graph's `signInSessionsValidFromDateTime`,
 * the "TokensValidFrom date" of AADSTS50173): the token endpoint refuses every grant whose
 * authentication predates the user's latest revoking event, and a CAE resource (ARM) refuses
 * CAE tokens issued before it.
 */

/** A critical event; all but `user_enabled` revoke the user's sessions and tokens. */
export type CriticalEventKind =
  'sessions_revoked' | 'user_disabled' | 'user_enabled' | 'password_changed';

export const CRITICAL_EVENT_KINDS: readonly CriticalEventKind[] = [
  'sessions_revoked',
  'user_disabled',
  'user_enabled',
  'password_changed',
];

export interface CriticalEvent {
  kind: CriticalEventKind;
  /** Epoch ms. */
  at: number;
}

/** What the emulator knows of one user's access. */
interface UserAccess {
  events: CriticalEvent[];
  /** Epoch ms of the latest event that revoked the user's sessions and tokens. */
  revokedAt?: number;
  disabled: boolean;
  /** Epoch ms of the user's latest sign-in with credentials (login page, password grant). */
  lastSignIn?: number;
}

/** Most events kept per user (the oldest leave first); `revokedAt` is kept regardless. */
const MAX_EVENTS_PER_USER = 50;

/** Per-user critical events, sign-ins and the disabled flag; bounded by the directory's users. */
export class CriticalEvents {
  private readonly users = new Map<string, UserAccess>();

  /** Records `kind` for `userId` at `at`; returns the event. */
  record(userId: string, kind: CriticalEventKind, at: number): CriticalEvent {
    const access = this.access(userId);
    const event = { kind, at };
    access.events.push(event);
    if (access.events.length > MAX_EVENTS_PER_USER) access.events.shift();
    if (kind === 'user_disabled') access.disabled = true;
    if (kind === 'user_enabled') access.disabled = false;
    else access.revokedAt = Math.max(access.revokedAt ?? 0, at);
    return event;
  }

  /** The user signed in with their credentials at `at`. */
  signedIn(userId: string, at: number): void {
    const access = this.access(userId);
    access.lastSignIn = Math.max(access.lastSignIn ?? 0, at);
  }

  /** Epoch ms of the user's latest revoking event, if any. */
  revokedAt(userId: string): number | undefined {
    return this.users.get(key(userId))?.revokedAt;
  }

  /** Epoch ms of the user's latest sign-in with credentials, if any. */
  lastSignIn(userId: string): number | undefined {
    return this.users.get(key(userId))?.lastSignIn;
  }

  disabled(userId: string): boolean {
    return this.users.get(key(userId))?.disabled ?? false;
  }

  /** The user's events, oldest first. */
  events(userId: string): CriticalEvent[] {
    return [...(this.users.get(key(userId))?.events ?? [])];
  }

  reset(): void {
    this.users.clear();
  }

  private access(userId: string): UserAccess {
    let access = this.users.get(key(userId));
    if (!access) {
      access = { events: [], disabled: false };
      this.users.set(key(userId), access);
    }
    return access;
  }
}

const key = (userId: string) => userId.toLowerCase();
