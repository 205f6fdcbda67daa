import { formatMinorUnits, formattingLocale } from './locale-format';
import { CATALOGUES, fillMessage, type Language, languageOf } from './messages';

/**
 * Transactional email bodies, in the customer's language (en, fr, nl, de; the words live in domain/messages). Pure:
 * the same template, locale and data always give the same message, so a retried send stores and sends identical text.
 */

export type EmailTemplateName =
  | 'payment_receipt'
  | 'payment_failed'
  | 'payment_expired'
  | 'refund_requested'
  | 'refund_review_reminder'
  | 'refund_approved'
  | 'refund_denied'
  | 'refund_completed'
  | 'refund_alternative_method_needed'
  | 'admin_alert'
  | 'dispute_opened'
  | 'dispute_evidence_reminder'
  | 'dispute_closed'
  | 'document_copy'
  | 'account_details_changed';

export const EMAIL_TEMPLATE_NAMES: readonly EmailTemplateName[] = [
  'payment_receipt',
  'payment_failed',
  'payment_expired',
  'refund_requested',
  'refund_review_reminder',
  'refund_approved',
  'refund_denied',
  'refund_completed',
  'refund_alternative_method_needed',
  'admin_alert',
  'dispute_opened',
  'dispute_evidence_reminder',
  'dispute_closed',
  'document_copy',
  'account_details_changed',
];

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Thrown for missing or malformed template data: a programming error that a retry cannot fix. */
export class EmailTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmailTemplateError';
  }
}

type EmailMessages = (typeof CATALOGUES)['en']['email'];
type MessageKey = keyof EmailMessages;

/** One message, before it becomes text and HTML; every string is plain text (HTML escaping happens once, at render). */
type Block =
  | { kind: 'paragraph'; text: string }
  | { kind: 'details'; rows: [label: string, value: string | undefined][] }
  | { kind: 'code'; lines: string[] };

interface EmailContent {
  subject: string;
  heading: string;
  blocks: Block[];
}

const p = (text: string): Block => ({ kind: 'paragraph', text });
const details = (...rows: [string, string | undefined][]): Block => ({ kind: 'details', rows });
const code = (...lines: string[]): Block => ({ kind: 'code', lines });

/** Reads one template's data, failing loudly on what is missing, and words, money and dates in the locale. */
class TemplateData {
  constructor(
    private readonly template: EmailTemplateName,
    private readonly data: Record<string, unknown>,
    private readonly locale: string,
    readonly messages: EmailMessages,
  ) {}

  /** A catalogue message with its {placeholders} filled. */
  t(key: MessageKey, values: Record<string, string> = {}): string {
    return fillMessage(this.messages[key], values);
  }

  /** A catalogue message by a key built from data (a failure code, a refund reason), if there is one. */
  lookup(key: string): string | undefined {
    return (this.messages as Record<string, string>)[key];
  }

  text(key: string): string {
    const value = this.optionalText(key);
    if (value === undefined) throw new EmailTemplateError(`${this.template}: data.${key} is required`);
    return value;
  }

  optionalText(key: string): string | undefined {
    const value = this.data[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' && typeof value !== 'number') throw new EmailTemplateError(`${this.template}: data.${key} must be a string`);
    const text = String(value).trim();
    return text === '' ? undefined : text;
  }

  /** data.amount (integer minor units) in data.currency, e.g. 1050 eur → "€10.50" (en) or "10,50 €" (fr). */
  money(): string {
    const { amount, currency } = this.data;
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) throw new EmailTemplateError(`${this.template}: data.amount must be an integer of minor units`);
    if (typeof currency !== 'string') throw new EmailTemplateError(`${this.template}: data.currency is required`);
    try {
      return formatMinorUnits(amount, currency, this.locale);
    } catch {
      throw new EmailTemplateError(`${this.template}: unknown currency ${JSON.stringify(currency)}`);
    }
  }

  /** An ISO timestamp, shown in UTC so the text never depends on the server's time zone. */
  date(key: string): string {
    const iso = this.text(key);
    const time = new Date(iso);
    if (Number.isNaN(time.getTime())) throw new EmailTemplateError(`${this.template}: data.${key} is not a date: ${iso}`);
    return `${new Intl.DateTimeFormat(formattingLocale(this.locale), { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(time)} UTC`;
  }
}

function refundReason(d: TemplateData): string {
  const reason = d.text('reason');
  const label = d.lookup(`reason_${reason}`);
  return label ? `${label} (${reason})` : reason;
}

/** What admins need to decide a refund; shared by the request and its reminder. */
function refundReview(d: TemplateData, reminder: boolean): EmailContent {
  const id = d.text('refund_id');
  const amount = d.money();
  return {
    subject: d.t(reminder ? 'review_reminder_subject' : 'review_subject', { id, amount }),
    heading: d.t(reminder ? 'review_reminder_heading' : 'review_heading'),
    blocks: [
      p(reminder ? d.t('review_reminder_intro', { amount, date: d.date('requested_at') }) : d.t('review_intro', { amount })),
      details(
        [d.t('label_refund'), id],
        [d.t('label_payment'), d.text('payment_id')],
        [d.t('label_amount'), amount],
        [d.t('label_reason'), refundReason(d)],
        [d.t('label_details'), d.optionalText('details')],
        [d.t('label_customer'), d.optionalText('customer_id')],
        [d.t('label_requested'), d.date('requested_at')],
      ),
      p(d.t('review_how')),
      code(`POST /v1/refunds/${id}/approve`, `POST /v1/refunds/${id}/deny`),
    ],
  };
}

/** An operator alert (provider sync repairs, webhook failures): what happened and how to acknowledge it. */
function adminAlert(d: TemplateData): EmailContent {
  const id = d.text('alert_id');
  const severity = d.text('severity');
  const message = d.text('message');
  return {
    subject: `[Durapay ${severity}] ${message}`,
    heading: d.t('alert_heading'),
    blocks: [
      p(message),
      details(
        [d.t('label_alert'), id],
        [d.t('label_kind'), d.text('kind')],
        [d.t('label_severity'), severity],
        [d.t('label_details'), d.optionalText('details')],
        [d.t('label_raised'), d.date('raised_at')],
      ),
      p(d.t('alert_ack')),
      code(`POST /v1/admin/alerts/${id}/ack`),
    ],
  };
}

/** What admins need to answer a dispute: amount, reason, when evidence is due, and where to look. */
function disputeNotice(d: TemplateData, occasion: 'opened' | 'reminder' | 'closed'): EmailContent {
  const id = d.text('dispute_id');
  const amount = d.money();
  const dueBy = d.optionalText('evidence_due_by') ? d.date('evidence_due_by') : undefined;
  const status = d.text('status');
  const reason = d.text('reason');
  const rows = details(
    [d.t('label_dispute'), id],
    [d.t('label_payment'), d.optionalText('payment_id') ?? d.t('dispute_unknown_payment')],
    [d.t('label_amount'), amount],
    [d.t('label_reason'), reason],
    [d.t('label_status'), status],
    [d.t('label_evidence_due'), occasion === 'closed' ? undefined : dueBy],
    [d.t('label_provider'), `${d.text('provider')} ${d.text('provider_dispute_id')}`],
  );
  const links = [
    p(d.t('dispute_links')),
    code(...[d.text('dispute_url'), d.optionalText('payment_url'), d.optionalText('provider_url')].filter((line): line is string => line !== undefined)),
  ];
  if (occasion === 'closed') {
    const won = status === 'won';
    return {
      subject: d.t(won ? 'dispute_won_subject' : 'dispute_lost_subject', { id, amount }),
      heading: d.t(won ? 'dispute_won_heading' : 'dispute_lost_heading'),
      blocks: [p(d.t(won ? 'dispute_won_text' : 'dispute_lost_text', { amount })), rows, ...links],
    };
  }
  const reminder = occasion === 'reminder';
  const ask = dueBy ? d.t('dispute_ask_due', { date: dueBy }) : d.t('dispute_ask');
  return {
    subject: reminder
      ? (dueBy ? d.t('dispute_reminder_subject_due', { id, amount, date: dueBy }) : d.t('dispute_reminder_subject', { id, amount }))
      : d.t('dispute_opened_subject', { amount, reason }),
    heading: d.t(reminder ? 'dispute_reminder_heading' : 'dispute_opened_heading'),
    blocks: [p(d.t(reminder ? 'dispute_reminder_text' : 'dispute_opened_text', { amount })), rows, p(ask), ...links],
  };
}

/** "Your invoice DP-2026-000123 is attached" when the email carries its document. */
function attachedDocument(d: TemplateData): Block[] {
  const number = d.optionalText('document_number');
  const kind = d.optionalText('document_kind');
  const key = `attached_${kind}`;
  const message = number ? d.lookup(key) : undefined;
  return message ? [p(fillMessage(message, { number: number! }))] : [];
}

function failedPayment(d: TemplateData): EmailContent {
  const amount = d.money();
  const failureCode = d.text('failure_code');
  const known = d.lookup(`failure_${failureCode}`);
  const reason = known ?? d.optionalText('failure_message') ?? d.t('failure_generic');
  const next = (known && d.lookup(`failure_${failureCode}_next`)) || d.t('failure_generic_next');
  return {
    subject: d.t('failed_subject', { amount }),
    heading: d.t('failed_heading'),
    blocks: [
      p(d.t('failed_text', { amount })),
      details([d.t('label_reason'), reason], [d.t('label_payment_reference'), d.text('payment_id')]),
      p(d.t('failed_next', { next })),
    ],
  };
}

const TEMPLATES: Record<EmailTemplateName, (d: TemplateData) => EmailContent> = {
  dispute_opened: (d) => disputeNotice(d, 'opened'),
  dispute_evidence_reminder: (d) => disputeNotice(d, 'reminder'),
  dispute_closed: (d) => disputeNotice(d, 'closed'),
  admin_alert: adminAlert,
  refund_requested: (d) => refundReview(d, false),
  refund_review_reminder: (d) => refundReview(d, true),
  payment_failed: failedPayment,

  payment_receipt: (d) => {
    const amount = d.money();
    const name = d.optionalText('customer_name');
    return {
      subject: d.t('receipt_subject', { amount }),
      heading: d.t('receipt_heading'),
      blocks: [
        p(name ? d.t('hello_name', { name }) : d.t('hello')),
        p(d.t('receipt_thanks', { amount })),
        details(
          [d.t('label_amount_paid'), amount],
          [d.t('label_description'), d.optionalText('description')],
          [d.t('label_paid_on'), d.date('paid_at')],
          [d.t('label_payment_reference'), d.text('payment_id')],
        ),
        ...attachedDocument(d),
        p(d.t('receipt_keep')),
      ],
    };
  },

  payment_expired: (d) => {
    const amount = d.money();
    return {
      subject: d.t('expired_subject', { amount }),
      heading: d.t('expired_heading'),
      blocks: [p(d.t('expired_text', { amount })), details([d.t('label_payment_reference'), d.text('payment_id')]), p(d.t('expired_next'))],
    };
  },

  refund_approved: (d) => {
    const amount = d.money();
    return {
      subject: d.t('approved_subject', { amount }),
      heading: d.t('approved_heading'),
      blocks: [p(d.t('approved_text', { amount })), p(d.t('approved_later')), details([d.t('label_refund_reference'), d.text('refund_id')])],
    };
  },

  refund_denied: (d) => {
    const id = d.text('refund_id');
    const amount = d.money();
    return {
      subject: d.t('denied_subject', { amount }),
      heading: d.t('denied_heading'),
      blocks: [
        p(d.t('denied_text', { amount })),
        details([d.t('label_reason'), d.text('decision_reason')], [d.t('label_refund_reference'), id]),
        p(d.optionalText('appeal_instructions') ?? d.t('denied_appeal')),
        p(d.t('denied_merchant', { id })),
      ],
    };
  },

  refund_completed: (d) => {
    const amount = d.money();
    return {
      subject: d.t('completed_subject', { amount }),
      heading: d.t('completed_heading'),
      blocks: [
        p(d.t('completed_text', { amount })),
        p(d.t('completed_delay')),
        details(
          [d.t('label_amount_refunded'), amount],
          [d.t('label_refunded_on'), d.date('completed_at')],
          [d.t('label_refund_reference'), d.text('refund_id')],
          [d.t('label_original_payment'), d.text('payment_id')],
        ),
        ...attachedDocument(d),
        p(d.t('completed_keep')),
      ],
    };
  },

  refund_alternative_method_needed: (d) => {
    const amount = d.money();
    return {
      subject: d.t('alternative_subject', { amount }),
      heading: d.t('alternative_heading'),
      blocks: [
        // Cash and bank transfers, and payments older than the provider's window, go to a bank transfer untried.
        p(d.optionalText('past_provider_window')
          ? d.t('alternative_text_past_provider_window', { amount, provider: d.text('provider_name'), days: d.text('provider_window_days') })
          : d.t(d.optionalText('paid_outside_provider') ? 'alternative_text_paid_outside_provider' : 'alternative_text', { amount })),
        details([d.t('label_what_happened'), d.optionalText('failure_message')], [d.t('label_refund_reference'), d.text('refund_id')]),
        p(d.t('alternative_reply')),
        p(d.t('alternative_list')),
        p(d.t('alternative_never')),
      ],
    };
  },

  /** A payout bank account or the account's email was set through the API: the customer is told, at the old address. */
  account_details_changed: (d) => ({
    subject: d.t('changed_subject'),
    heading: d.t('changed_heading'),
    blocks: [
      p(d.optionalText('iban_last4') ? d.t('changed_payout_text', { last4: d.text('iban_last4'), refund_id: d.text('refund_id') }) : d.t('changed_email_text', { email: d.text('new_email') })),
      p(d.t('changed_not_you')),
    ],
  }),

  /** A copy of an invoice or receipt sent again on request (POST /v1/payments/:id/invoice/send). */
  document_copy: (d) => {
    const amount = d.money();
    const number = d.text('document_number');
    const receipt = d.text('document_kind') === 'receipt';
    const name = d.optionalText('customer_name');
    return {
      subject: d.t(receipt ? 'copy_subject_receipt' : 'copy_subject_invoice', { number, amount }),
      heading: d.t('copy_heading'),
      blocks: [
        p(name ? d.t('hello_name', { name }) : d.t('hello')),
        p(d.t(receipt ? 'copy_text_receipt' : 'copy_text_invoice', { number, amount })),
        details([d.t('label_document'), number], [d.t('label_payment_reference'), d.text('payment_id')]),
      ],
    };
  },
};

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}

function toText(content: EmailContent, colon: string): string {
  const parts = [content.heading];
  for (const block of content.blocks) {
    if (block.kind === 'paragraph') parts.push(block.text);
    else if (block.kind === 'code') parts.push(block.lines.map((line) => `    ${line}`).join('\n'));
    else parts.push(block.rows.filter(([, value]) => value !== undefined).map(([label, value]) => `${label}${colon}${value}`).join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}

function toHtml(content: EmailContent, language: Language): string {
  const body = content.blocks.map((block) => {
    if (block.kind === 'paragraph') return `<p>${escapeHtml(block.text).replace(/\n/g, '<br>')}</p>`;
    if (block.kind === 'code') return `<pre>${block.lines.map(escapeHtml).join('\n')}</pre>`;
    const rows = block.rows
      .filter(([, value]) => value !== undefined)
      .map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value ?? '')}</td></tr>`);
    return `<table cellpadding="4">${rows.join('')}</table>`;
  });
  return [
    '<!doctype html>',
    `<html lang="${language}"><head><meta charset="utf-8"><title>${escapeHtml(content.subject)}</title></head>`,
    `<body style="font-family: sans-serif"><h1>${escapeHtml(content.heading)}</h1>`,
    ...body,
    '</body></html>',
    '',
  ].join('\n');
}

/** Renders one template in `locale` (fr-BE → French, nl, de; anything else → English). Throws EmailTemplateError on bad data. */
export function renderEmail(template: EmailTemplateName, locale: string, data: Record<string, unknown>): RenderedEmail {
  const render = TEMPLATES[template];
  if (!render) throw new EmailTemplateError(`Unknown email template: ${String(template)}`);
  const language = languageOf(locale);
  const messages = CATALOGUES[language].email;
  const content = render(new TemplateData(template, data, locale, messages));
  return { subject: content.subject, text: toText(content, messages.colon), html: toHtml(content, language) };
}
