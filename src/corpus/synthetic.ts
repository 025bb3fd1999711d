/**
 * SYNTHETIC emails for the demo, generated deterministically in code (no
 * randomness: every choice is drawn from SHA-256 of a counter). They are not
 * part of the SpamAssassin corpus and say so in an `X-Datatrace-Synthetic: yes`
 * header and a `synthetic/…` id.
 *
 * - {@link syntheticExtraEmails}: "modern" spam (crypto airdrops, wallet
 *   verification, parcel fees) and ham (code review, CI, meeting notes) whose
 *   vocabulary barely exists in the 2002 corpus — the extra data the demo's
 *   child model is fine-tuned on.
 * - {@link nonMemberEmail}: one email that is in no dataset, for the absence
 *   proof demo.
 */
import { createHash } from "node:crypto";

import type { SpamLabel } from "./spamassassin.js";
import { DatatraceError } from "../errors/index.js";

/** One synthetic email, shaped like a corpus email. */
export interface SyntheticEmail {
  /** `synthetic/<label>-<nnnn>`. */
  readonly id: string;
  readonly label: SpamLabel;
  readonly group: "synthetic";
  /** UTF-8 bytes of the RFC 5322-style message (LF line endings). */
  readonly bytes: Uint8Array;
}

const SPAM = {
  subjects: [
    "Claim your {coin} airdrop before {day}",
    "Action required: verify your {wallet} wallet",
    "Your parcel is on hold - pay the {fee} customs fee",
    "Congratulations, you won a {gift} gift card",
    "Exclusive NFT mint: {coin} whitelist spots left",
    "Security alert: unusual login to your {wallet} account",
  ],
  openers: [
    "Dear valued customer,",
    "Hello lucky winner,",
    "Attention {wallet} user,",
    "Hi friend,",
  ],
  bodies: [
    "Our records show your {wallet} wallet is eligible for {amount} {coin} tokens. Connect your wallet and sign the claim transaction within 24 hours or the tokens will be burned.",
    "We detected suspicious activity. To avoid permanent suspension, verify your seed phrase at the secure portal below. Failure to verify will freeze your {coin} balance.",
    "Your package could not be delivered because of an unpaid {fee} fee. Pay now with a card or in {coin} to schedule redelivery today.",
    "You have been selected to receive a {gift} gift card worth {amount} dollars. Complete the short survey and enter your card details to cover shipping.",
    "Only {amount} whitelist spots remain for the {coin} mint. Guaranteed 10x returns, no risk, limited time offer, act now.",
  ],
  closers: ["Claim now: http://{domain}/claim", "Verify here: https://{domain}/secure-login", "Pay securely: http://{domain}/pay", "Unsubscribe: http://{domain}/optout"],
};

const HAM = {
  subjects: [
    "Review requested: {branch} refactor",
    "CI failed on {branch}",
    "Notes from the {day} standup",
    "Re: benchmark numbers for the {component} rewrite",
    "Release {version} checklist",
    "Question about the {component} API",
  ],
  openers: ["Hi team,", "Hey,", "Hello all,", "Hi {name},"],
  bodies: [
    "I pushed the {branch} branch with the {component} changes. The tests pass locally; could you take a look at the error handling in the parser before we merge?",
    "The nightly build failed in the {component} tests after the dependency bump. It looks like a timeout in the integration suite, I will rerun it and open an issue if it fails again.",
    "Summary of {day}: {name} finished the {component} migration, the release is blocked on the documentation review, and we agreed to move the retro to next week.",
    "I reran the benchmark on the new machine: the {component} rewrite is about twice as fast on large inputs and uses less memory. Full numbers are in the spreadsheet.",
    "Before tagging {version} we still need to update the changelog, bump the version in the manifest and check the migration guide for the {component} changes.",
  ],
  closers: ["Thanks,\n{name}", "Cheers,\n{name}", "Best,\n{name}", "-- \n{name}"],
};

const FILLS: Record<string, readonly string[]> = {
  coin: ["PEPE2", "ETHX", "SOLMAX", "MOONDOGE", "BASEAPE"],
  wallet: ["MetaMask", "Phantom", "Ledger", "Trust Wallet", "Coinbase"],
  fee: ["$1.99", "$2.49", "EUR 3.10", "$0.99"],
  gift: ["Steam", "Walmart", "Target", "Best Buy"],
  amount: ["500", "1,000", "2,500", "50"],
  day: ["Friday", "Monday", "midnight", "tomorrow"],
  domain: ["claim-rewards.example", "wallet-verify.example", "parcel-fee.example", "gift-winner.example"],
  branch: ["feature/merkle-shards", "fix/journal-fsync", "chore/deps", "feature/lineage-dot"],
  component: ["manifest", "journal", "lineage", "storage", "proof"],
  version: ["v0.4.0", "v0.5.0", "v1.0.0-rc.1"],
  name: ["Alice", "Bob", "Carol", "Dave", "Erin"],
};

/** Deterministic choice stream: the n-th draw is SHA-256(`${seed}:${n}`) mod length. */
class Chooser {
  #n = 0;
  constructor(private readonly seed: string) {}
  pick<T>(items: readonly T[]): T {
    const digest = createHash("sha256").update(`${this.seed}:${this.#n++}`).digest();
    return items[digest.readUInt32BE(0) % items.length] as T;
  }
  fill(template: string): string {
    return template.replace(/\{(\w+)\}/g, (_, key: string) => this.pick(FILLS[key] ?? [`{${key}}`]));
  }
}

function renderEmail(label: SpamLabel, index: number, seed: string): SyntheticEmail {
  const parts = label === "spam" ? SPAM : HAM;
  const c = new Chooser(`${seed}:${label}:${index}`);
  const id = `synthetic/${label}-${String(index).padStart(4, "0")}`;
  const from = label === "spam" ? `"Rewards Team" <noreply@${c.pick(FILLS.domain ?? [])}>` : `${c.pick(FILLS.name ?? [])} <dev@team.example>`;
  const day = 1 + (index % 28);
  const text = [
    `From: ${from}`,
    `To: user@datatrace.example`,
    `Subject: ${c.fill(c.pick(parts.subjects))}`,
    `Date: Mon, ${String(day).padStart(2, "0")} Jun 2026 09:${String(index % 60).padStart(2, "0")}:00 +0000`,
    `Message-ID: <${id.replace("/", ".")}@datatrace.example>`,
    `X-Datatrace-Synthetic: yes`,
    ``,
    c.fill(c.pick(parts.openers)),
    ``,
    c.fill(c.pick(parts.bodies)),
    ``,
    c.fill(c.pick(parts.bodies)),
    ``,
    c.fill(c.pick(parts.closers)),
    ``,
  ].join("\n");
  return { id, label, group: "synthetic", bytes: new TextEncoder().encode(text) };
}

/** Options of {@link syntheticExtraEmails}. */
export interface SyntheticOptions {
  /** Number of spam and of ham emails each (default 30 → 60 emails). */
  readonly perClass?: number;
  /** Seed of the choice stream (default "datatrace-extra-v1"); same seed, same emails. */
  readonly seed?: string;
}

/** The demo's SYNTHETIC fine-tuning emails: `perClass` spam then `perClass` ham, deterministic. */
export function syntheticExtraEmails(options: SyntheticOptions = {}): SyntheticEmail[] {
  const perClass = options.perClass ?? 30;
  if (!Number.isSafeInteger(perClass) || perClass < 0 || perClass > 10_000) {
    throw new DatatraceError(`perClass must be an integer between 0 and 10000, got ${String(options.perClass)}.`);
  }
  const seed = options.seed ?? "datatrace-extra-v1";
  const emails: SyntheticEmail[] = [];
  for (const label of ["spam", "ham"] as const) for (let i = 0; i < perClass; i++) emails.push(renderEmail(label, i, seed));
  return emails;
}

/** A SYNTHETIC email that belongs to no dataset of the demo (checked by the tests against the corpus and the extra emails). */
export function nonMemberEmail(): SyntheticEmail {
  const text = [
    "From: Datatrace Demo <demo@datatrace.example>",
    "To: verifier@datatrace.example",
    "Subject: This email is not in the training data",
    "Date: Wed, 01 Jul 2026 12:00:00 +0000",
    "Message-ID: <non-member.0001@datatrace.example>",
    "X-Datatrace-Synthetic: yes",
    "",
    "This message was written for the Datatrace absence-proof demo. Its SHA-256",
    "lies between two adjacent leaves of the committed dataset, and the two",
    "membership proofs of those neighbours show that it was not part of it.",
    "",
  ].join("\n");
  return { id: "synthetic/non-member-0001", label: "ham", group: "synthetic", bytes: new TextEncoder().encode(text) };
}
