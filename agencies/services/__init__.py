"""Writes that take more than one step, each in one transaction, each deriving again the
statuses it affects and invalidating the stored figures and cached pages itself:

- publishing: publish and withdraw records, under the rule that a public fact has a source;
- statuses: derive agencies' statuses again, with the state of the actions touched (actions:
  from their steps) and the agencies' contradictions (statements);
- edits: what follows an editor's save or delete (admin, imports);
- seed: load the seed data.

Keyword-only arguments, typed; callers are admin, the management commands and tests."""
