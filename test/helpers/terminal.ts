/**
 * A terminal of fixed size for progress tests: it applies what a redraw
 * writes (text, newlines, and the cursor and erase sequences log-update uses)
 * to a screen with scrollback, and notes the two ways a redraw breaks on a
 * real terminal: a line longer than the width (the terminal wraps it, so the
 * next redraw moves up too few lines) and a move up past the top of the
 * window (those lines have scrolled off and can no longer be redrawn).
 */
export class FakeTerminal {
  readonly isTTY = true;
  readonly lines: string[] = [''];
  row = 0;
  col = 0;
  /** The lowest row written so far: the window shows rows (bottom - rows + 1) to bottom. */
  bottom = 0;
  wrapped = false;
  reachedAboveWindow = false;

  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {}

  write(text: string): boolean {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what this parses
    const tokens = text.match(/\x1b\[\??[0-9;]*[A-Za-z]|\n|[^\x1b\n]/gu) ?? [];
    for (const t of tokens) this.apply(t);
    return true;
  }

  /** What the window shows now, trailing blanks removed. */
  screen(): string[] {
    const top = Math.max(0, this.bottom - this.rows + 1);
    const shown = this.lines.slice(top, this.bottom + 1).map((l) => l.trimEnd());
    while (shown.length > 0 && shown.at(-1) === '') shown.pop();
    return shown;
  }

  private moveTo(row: number): void {
    this.row = Math.max(0, row);
    if (this.row < this.bottom - this.rows + 1) this.reachedAboveWindow = true;
    while (this.lines.length <= this.row) this.lines.push('');
    this.bottom = Math.max(this.bottom, this.row);
  }

  private apply(t: string): void {
    if (t === '\n') {
      this.moveTo(this.row + 1);
      this.col = 0;
      return;
    }
    // biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what this parses
    const esc = /^\x1b\[(\?)?(\d*)([A-Za-z])$/.exec(t);
    if (esc) {
      if (esc[1]) return; // cursor visibility, synchronized output
      const n = esc[2] ? Number(esc[2]) : 1;
      const line = this.lines[this.row] ?? '';
      switch (esc[3]) {
        case 'A':
          this.moveTo(this.row - n);
          break;
        case 'B':
          this.moveTo(this.row + n);
          break;
        case 'G':
          this.col = (esc[2] ? n : 1) - 1;
          break;
        case 'K':
          this.lines[this.row] = esc[2] === '2' ? '' : line.slice(0, this.col);
          break;
        case 'J':
          this.lines[this.row] = line.slice(0, this.col);
          this.lines.length = this.row + 1;
          break;
      }
      return;
    }
    if (this.col >= this.columns) {
      this.wrapped = true;
      this.moveTo(this.row + 1);
      this.col = 0;
    }
    const line = (this.lines[this.row] ?? '').padEnd(this.col);
    this.lines[this.row] = line.slice(0, this.col) + t + line.slice(this.col + 1);
    this.col++;
  }
}
