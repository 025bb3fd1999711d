/**
 * Demo corpora: the SpamAssassin public mail corpus as the npm package ships
 * it (loadSpamAssassin) and deterministic synthetic emails
 * (syntheticExtraEmails, nonMemberEmail). Used by the demo model (src/ml),
 * the one-command demo (src/workflow) and the benches. Node-only.
 */
export { loadSpamAssassin } from "./spamassassin.js";
export type { CorpusEmail, SpamAssassinGroup } from "./spamassassin.js";
export { nonMemberEmail, syntheticExtraEmails } from "./synthetic.js";
