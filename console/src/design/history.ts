// Undo/redo as a list of immutable states (the roots json.ts's copy-on-write edits return).
// Bounded: the oldest entries go first past `limit`.

export class History<T> {
  private past: T[] = [];
  private future: T[] = [];

  constructor(public present: T, private readonly limit = 200) {}

  /** Record a new present; a redo path is dropped, as in every editor. */
  push(next: T): void {
    if (next === this.present) return;
    this.past.push(this.present);
    if (this.past.length > this.limit) this.past.shift();
    this.present = next;
    this.future = [];
  }

  /** Replace the present without an undo step (e.g. while a text field is being typed in). */
  replace(next: T): void {
    this.present = next;
  }

  get canUndo(): boolean { return this.past.length > 0; }
  get canRedo(): boolean { return this.future.length > 0; }

  undo(): T {
    const prev = this.past.pop();
    if (prev === undefined) return this.present;
    this.future.push(this.present);
    this.present = prev;
    return prev;
  }

  redo(): T {
    const next = this.future.pop();
    if (next === undefined) return this.present;
    this.past.push(this.present);
    this.present = next;
    return next;
  }
}
