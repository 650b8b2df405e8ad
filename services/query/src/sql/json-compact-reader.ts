/**
 * Reads ClickHouse's JSONCompact output line by line as it streams in, and
 * keeps only the first `maxRows` rows: a profile's result limit stops a
 * query only between blocks, so a single block can bring far more rows than
 * the API returns. Both 18.16 and current releases write the document in the
 * same layout, one row per line:
 *
 *   {
 *   	"meta":
 *   	[ …column objects… ],
 *
 *   	"data":
 *   	[
 *   		[1, "a"],
 *   		[2, "b"]
 *   	],
 *
 *   	"rows": 2,
 *   	"statistics": { "elapsed": 0.0001, "rows_read": 2, "bytes_read": 16 }
 *   }
 */

export interface Column {
  name: string;
  type: string;
}

export interface JsonCompactResult {
  columns: Column[];
  rows: unknown[][];
  /** Rows the server sent, kept or not. */
  rowsSent: number;
  /** From the trailer; undefined when the answer was cut short. */
  statistics: { elapsed: number; rows_read: number } | undefined;
  /** An error the server wrote after it had started the answer. */
  exception: string | undefined;
}

/** The answer is not JSONCompact: usually an error text the server wrote mid-answer. */
export class UnexpectedAnswer extends Error {
  readonly text: string;
  constructor(text: string) {
    super('ClickHouse answered with something other than JSONCompact');
    this.text = text;
  }
}

type Section = 'head' | 'data' | 'tail' | 'broken';

export class JsonCompactReader {
  readonly #maxRows: number;
  #section: Section = 'head';
  readonly #head: string[] = [];
  readonly #tail: string[] = [];
  readonly #rows: unknown[][] = [];
  #rowsSent = 0;

  constructor(maxRows: number) {
    this.#maxRows = maxRows;
  }

  get rowsSent(): number {
    return this.#rowsSent;
  }

  line(text: string): void {
    switch (this.#section) {
      case 'head':
        if (text === '\t[' && this.#head.at(-1) === '\t"data":') this.#section = 'data';
        else this.#head.push(text);
        return;
      case 'data':
        if (text === '') return;
        if (text.startsWith('\t\t[')) return this.#row(text);
        if (text === '\t],' || text === '\t]') {
          this.#section = 'tail';
          this.#tail.push('{');
          return;
        }
        this.#section = 'broken';
        this.#tail.push(text);
        return;
      default:
        this.#tail.push(text);
    }
  }

  #row(text: string): void {
    this.#rowsSent++;
    if (this.#rows.length >= this.#maxRows) return;
    try {
      this.#rows.push(JSON.parse(text.endsWith(',') ? text.slice(0, -1) : text) as unknown[]);
    } catch {
      this.#section = 'broken';
      this.#tail.push(text);
    }
  }

  /** The columns, once the head has arrived. */
  columns(): Column[] | undefined {
    const start = this.#head.indexOf('\t"meta":');
    const end = this.#head.indexOf('\t],', start);
    if (start < 0 || end < 0) return undefined;
    try {
      return JSON.parse(['[', ...this.#head.slice(start + 2, end), ']'].join('\n')) as Column[];
    } catch {
      return undefined;
    }
  }

  /** `complete`: the whole answer was read, so its trailer must be there. */
  finish(complete: boolean): JsonCompactResult {
    const columns = this.columns();
    if (this.#section === 'broken' || columns === undefined) throw new UnexpectedAnswer([...this.#head, ...this.#tail].join('\n'));
    let statistics: JsonCompactResult['statistics'];
    let exception: string | undefined;
    if (complete) {
      if (this.#section !== 'tail') throw new UnexpectedAnswer(this.#tail.join('\n'));
      let trailer: { statistics?: { elapsed: number; rows_read: number }; exception?: string };
      try {
        trailer = JSON.parse(this.#tail.join('\n')) as typeof trailer;
      } catch {
        throw new UnexpectedAnswer(this.#tail.join('\n'));
      }
      statistics = trailer.statistics;
      exception = trailer.exception;
    }
    return { columns, rows: this.#rows, rowsSent: this.#rowsSent, statistics, exception };
  }
}
