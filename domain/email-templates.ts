import { currencyExponent } from './money';

/**
 * Transactional email bodies, in the customer's language. Pure: the same template, locale and data always give
 * the same message, so a retried send stores and sends identical text.
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
  | 'dispute_closed';

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

type Language = 'en' | 'fr';

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

/** Reads one template's data, failing loudly on what is missing, and formats money and dates for the locale. */
class TemplateData {
  constructor(
    private readonly template: EmailTemplateName,
    private readonly data: Record<string, unknown>,
    private readonly formatLocale: string,
  ) {}

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
    let exponent: number;
    try {
      exponent = currencyExponent(currency);
    } catch {
      throw new EmailTemplateError(`${this.template}: unknown currency ${JSON.stringify(currency)}`);
    }
    // The ISO exponent, not Intl's own idea of the currency's digits, decides the decimals shown.
    return new Intl.NumberFormat(this.formatLocale, {
      style: 'currency',
      currency: currency.toUpperCase(),
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    }).format(amount / 10 ** exponent);
  }

  /** An ISO timestamp, shown in UTC so the text never depends on the server's time zone. */
  date(key: string): string {
    const iso = this.text(key);
    const time = new Date(iso);
    if (Number.isNaN(time.getTime())) throw new EmailTemplateError(`${this.template}: data.${key} is not a date: ${iso}`);
    return `${new Intl.DateTimeFormat(this.formatLocale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(time)} UTC`;
  }
}

type TemplateCopy = Record<Language, (d: TemplateData) => EmailContent>;

const FAILURE_EXPLANATIONS: Record<Language, Record<string, { reason: string; next: string }>> = {
  en: {
    card_declined: { reason: 'Your bank declined the card.', next: 'Try another card or payment method, or contact your bank.' },
    insufficient_funds: { reason: 'The card has insufficient funds.', next: 'Try another card, or retry later once the funds are available.' },
    expired_card: { reason: 'The card has expired.', next: 'Try again with another card or with your new card.' },
    lost_card: { reason: 'The card was reported lost.', next: 'Please use another card.' },
    stolen_card: { reason: 'The card was reported stolen.', next: 'Please use another card.' },
    incorrect_cvc: { reason: 'The security code (CVC) was incorrect.', next: 'Check the security code on your card and try again.' },
    processing_error: { reason: 'An error occurred while processing the card.', next: 'Please retry later, in a few minutes.' },
    authentication_required: {
      reason: "The payment needed your bank's 3-D Secure confirmation, which was not completed.",
      next: 'Try again and complete 3-D Secure: approve the payment in your banking app or on your bank’s page when asked.',
    },
  },
  fr: {
    card_declined: { reason: 'Votre banque a refusé la carte.', next: 'Essayez une autre carte ou un autre moyen de paiement, ou contactez votre banque.' },
    insufficient_funds: { reason: 'Le solde de la carte est insuffisant.', next: 'Essayez une autre carte, ou réessayez plus tard lorsque les fonds seront disponibles.' },
    expired_card: { reason: 'La carte a expiré.', next: 'Réessayez avec une autre carte ou avec votre nouvelle carte.' },
    lost_card: { reason: 'La carte a été déclarée perdue.', next: 'Veuillez utiliser une autre carte.' },
    stolen_card: { reason: 'La carte a été déclarée volée.', next: 'Veuillez utiliser une autre carte.' },
    incorrect_cvc: { reason: 'Le code de sécurité (CVC) saisi est incorrect.', next: 'Vérifiez le code de sécurité de votre carte et réessayez.' },
    processing_error: { reason: 'Une erreur est survenue lors du traitement de la carte.', next: 'Veuillez réessayer plus tard, dans quelques minutes.' },
    authentication_required: {
      reason: 'Le paiement nécessitait une confirmation 3-D Secure de votre banque, qui n’a pas été effectuée.',
      next: 'Réessayez et terminez la validation 3-D Secure : approuvez le paiement dans votre application bancaire ou sur la page de votre banque.',
    },
  },
};

const GENERIC_FAILURE: Record<Language, { reason: string; next: string }> = {
  en: { reason: 'The payment could not be completed.', next: 'Try again, or use another card or payment method.' },
  fr: { reason: 'Le paiement n’a pas pu être effectué.', next: 'Réessayez, ou utilisez une autre carte ou un autre moyen de paiement.' },
};

const REFUND_REASONS: Record<Language, Record<string, string>> = {
  en: { requested_by_customer: 'requested by the customer', duplicate: 'duplicate payment', fraudulent: 'fraudulent payment', other: 'other' },
  fr: { requested_by_customer: 'demandé par le client', duplicate: 'paiement en double', fraudulent: 'paiement frauduleux', other: 'autre' },
};

function refundReason(d: TemplateData, language: Language): string {
  const reason = d.text('reason');
  const label = REFUND_REASONS[language][reason];
  return label ? `${label} (${reason})` : reason;
}

/** What admins need to decide a refund; shared by the request and its reminder. */
function refundReview(d: TemplateData, language: Language, reminder: boolean): EmailContent {
  const id = d.text('refund_id');
  const amount = d.money();
  const en = language === 'en';
  const rows: [string, string | undefined][] = [
    [en ? 'Refund' : 'Remboursement', id],
    [en ? 'Payment' : 'Paiement', d.text('payment_id')],
    [en ? 'Amount' : 'Montant', amount],
    [en ? 'Reason' : 'Motif', refundReason(d, language)],
    [en ? 'Details' : 'Précisions', d.optionalText('details')],
    [en ? 'Customer' : 'Client', d.optionalText('customer_id')],
    [en ? 'Requested' : 'Demandé le', d.date('requested_at')],
  ];
  const howToDecide = [
    p(en ? 'Decide with the admin API key (each request also needs an Idempotency-Key):' : 'Décidez avec la clé API d’administration (chaque requête demande aussi une Idempotency-Key) :'),
    code(`POST /v1/refunds/${id}/approve`, `POST /v1/refunds/${id}/deny`),
  ];
  if (en) {
    return {
      subject: reminder ? `Reminder: refund ${id} of ${amount} is still waiting for a decision` : `Refund ${id} of ${amount} needs your decision`,
      heading: reminder ? 'A refund is still waiting for your decision' : 'A refund needs your decision',
      blocks: [
        p(reminder
          ? `The refund of ${amount} below was requested on ${d.date('requested_at')} and is still waiting for approval or denial.`
          : `A refund of ${amount} was requested and is waiting for approval or denial.`),
        details(...rows),
        ...howToDecide,
      ],
    };
  }
  return {
    subject: reminder ? `Rappel : le remboursement ${id} de ${amount} attend toujours une décision` : `Le remboursement ${id} de ${amount} attend votre décision`,
    heading: reminder ? 'Un remboursement attend toujours votre décision' : 'Un remboursement attend votre décision',
    blocks: [
      p(reminder
        ? `Le remboursement de ${amount} ci-dessous a été demandé le ${d.date('requested_at')} et attend toujours d’être approuvé ou refusé.`
        : `Un remboursement de ${amount} a été demandé et attend d’être approuvé ou refusé.`),
      details(...rows),
      ...howToDecide,
    ],
  };
}

/** An operator alert (provider sync repairs, webhook failures): what happened and how to acknowledge it. */
function adminAlert(d: TemplateData, language: Language): EmailContent {
  const id = d.text('alert_id');
  const severity = d.text('severity');
  const message = d.text('message');
  const en = language === 'en';
  return {
    subject: `[Durapay ${severity}] ${message}`,
    heading: en ? 'Durapay alert' : 'Alerte Durapay',
    blocks: [
      p(message),
      details(
        [en ? 'Alert' : 'Alerte', id],
        [en ? 'Kind' : 'Type', d.text('kind')],
        [en ? 'Severity' : 'Gravité', severity],
        [en ? 'Details' : 'Détails', d.optionalText('details')],
        [en ? 'Raised' : 'Levée le', d.date('raised_at')],
      ),
      p(en ? 'Acknowledge it with the admin API key (and an Idempotency-Key):' : 'Accusez-en réception avec la clé API d’administration (et une Idempotency-Key) :'),
      code(`POST /v1/admin/alerts/${id}/ack`),
    ],
  };
}

/** What admins need to answer a dispute: amount, reason, when evidence is due, and where to look. */
function disputeNotice(d: TemplateData, language: Language, occasion: 'opened' | 'reminder' | 'closed'): EmailContent {
  const id = d.text('dispute_id');
  const amount = d.money();
  const en = language === 'en';
  const dueBy = d.optionalText('evidence_due_by') ? d.date('evidence_due_by') : undefined;
  const status = d.text('status');
  const won = status === 'won';
  const rows: [string, string | undefined][] = [
    [en ? 'Dispute' : 'Litige', id],
    [en ? 'Payment' : 'Paiement', d.optionalText('payment_id') ?? (en ? 'not a payment Durapay knows' : 'paiement inconnu de Durapay')],
    [en ? 'Amount' : 'Montant', amount],
    [en ? 'Reason' : 'Motif', d.text('reason')],
    [en ? 'Status' : 'Statut', status],
    [en ? 'Evidence due by' : 'Preuves attendues avant le', occasion === 'closed' ? undefined : dueBy],
    [en ? 'Provider' : 'Prestataire', `${d.text('provider')} ${d.text('provider_dispute_id')}`],
  ];
  const links = [
    p(en ? 'Links (the API ones need the admin or merchant key):' : 'Liens (ceux de l’API demandent la clé admin ou marchand) :'),
    code(...[d.text('dispute_url'), d.optionalText('payment_url'), d.optionalText('provider_url')].filter((line): line is string => line !== undefined)),
  ];
  if (occasion === 'closed') {
    return {
      subject: en
        ? `Dispute ${id} of ${amount} ${won ? 'won' : 'lost'}`
        : `Litige ${id} de ${amount} ${won ? 'gagné' : 'perdu'}`,
      heading: en ? (won ? 'A dispute was won' : 'A dispute was lost') : (won ? 'Un litige a été gagné' : 'Un litige a été perdu'),
      blocks: [
        p(en
          ? (won ? `The payer's dispute of ${amount} was decided in your favour: the payment is back to its earlier status.` : `The payer's dispute of ${amount} was decided against you: ${amount} is recorded as lost, and the payment can no longer be refunded.`)
          : (won ? `Le litige de ${amount} a été tranché en votre faveur : le paiement retrouve son statut antérieur.` : `Le litige de ${amount} a été tranché en faveur du payeur : ${amount} sont comptés comme perdus et le paiement ne peut plus être remboursé.`)),
        details(...rows),
        ...links,
      ],
    };
  }
  const reminder = occasion === 'reminder';
  const ask = en
    ? `Answer it with your evidence at the provider${dueBy ? ` before ${dueBy}` : ''}; without an answer the dispute is usually lost.`
    : `Répondez-y avec vos preuves chez le prestataire${dueBy ? ` avant le ${dueBy}` : ''} ; sans réponse, le litige est généralement perdu.`;
  return {
    subject: en
      ? (reminder ? `Reminder: evidence for dispute ${id} of ${amount} is due${dueBy ? ` by ${dueBy}` : ''}` : `Payment disputed: ${amount} (${d.text('reason')})`)
      : (reminder ? `Rappel : les preuves du litige ${id} de ${amount} sont attendues${dueBy ? ` avant le ${dueBy}` : ''}` : `Paiement contesté : ${amount} (${d.text('reason')})`),
    heading: en ? (reminder ? 'Evidence for a dispute is due soon' : 'A payment was disputed') : (reminder ? 'Les preuves d’un litige sont bientôt attendues' : 'Un paiement a été contesté'),
    blocks: [
      p(en
        ? (reminder ? `The dispute of ${amount} below still waits for your evidence.` : `A payer disputed ${amount} with their bank or the provider. The payment is marked disputed and can't be refunded meanwhile.`)
        : (reminder ? `Le litige de ${amount} ci-dessous attend toujours vos preuves.` : `Un payeur a contesté ${amount} auprès de sa banque ou du prestataire. Le paiement est marqué contesté et ne peut pas être remboursé entre-temps.`)),
      details(...rows),
      p(ask),
      ...links,
    ],
  };
}

const TEMPLATES: Record<EmailTemplateName, TemplateCopy> = {
  dispute_opened: {
    en: (d) => disputeNotice(d, 'en', 'opened'),
    fr: (d) => disputeNotice(d, 'fr', 'opened'),
  },
  dispute_evidence_reminder: {
    en: (d) => disputeNotice(d, 'en', 'reminder'),
    fr: (d) => disputeNotice(d, 'fr', 'reminder'),
  },
  dispute_closed: {
    en: (d) => disputeNotice(d, 'en', 'closed'),
    fr: (d) => disputeNotice(d, 'fr', 'closed'),
  },

  admin_alert: {
    en: (d) => adminAlert(d, 'en'),
    fr: (d) => adminAlert(d, 'fr'),
  },

  payment_receipt: {
    en: (d) => {
      const amount = d.money();
      const name = d.optionalText('customer_name');
      return {
        subject: `Receipt for your payment of ${amount}`,
        heading: 'Payment receipt',
        blocks: [
          p(name ? `Hello ${name},` : 'Hello,'),
          p(`Thank you: we received your payment of ${amount}.`),
          details(['Amount paid', amount], ['Description', d.optionalText('description')], ['Paid on', d.date('paid_at')], ['Payment reference', d.text('payment_id')]),
          p('Keep this email as your receipt.'),
        ],
      };
    },
    fr: (d) => {
      const amount = d.money();
      const name = d.optionalText('customer_name');
      return {
        subject: `Reçu de votre paiement de ${amount}`,
        heading: 'Reçu de paiement',
        blocks: [
          p(name ? `Bonjour ${name},` : 'Bonjour,'),
          p(`Merci : nous avons bien reçu votre paiement de ${amount}.`),
          details(['Montant payé', amount], ['Description', d.optionalText('description')], ['Payé le', d.date('paid_at')], ['Référence du paiement', d.text('payment_id')]),
          p('Conservez cet e-mail comme reçu.'),
        ],
      };
    },
  },

  payment_failed: {
    en: (d) => failedPayment(d, 'en'),
    fr: (d) => failedPayment(d, 'fr'),
  },

  payment_expired: {
    en: (d) => {
      const amount = d.money();
      return {
        subject: `Your payment of ${amount} was canceled`,
        heading: 'Payment canceled',
        blocks: [
          p(`We did not receive your payment of ${amount} in time, so it has been canceled. No money was taken.`),
          details(['Payment reference', d.text('payment_id')]),
          p('If you still want to pay, start a new payment. If you already sent the money, reply to this email with your transfer reference.'),
        ],
      };
    },
    fr: (d) => {
      const amount = d.money();
      return {
        subject: `Votre paiement de ${amount} a été annulé`,
        heading: 'Paiement annulé',
        blocks: [
          p(`Nous n’avons pas reçu votre paiement de ${amount} à temps : il a donc été annulé. Aucun montant n’a été prélevé.`),
          details(['Référence du paiement', d.text('payment_id')]),
          p('Pour payer malgré tout, lancez un nouveau paiement. Si vous avez déjà effectué le virement, répondez à cet e-mail avec sa référence.'),
        ],
      };
    },
  },

  refund_requested: {
    en: (d) => refundReview(d, 'en', false),
    fr: (d) => refundReview(d, 'fr', false),
  },

  refund_review_reminder: {
    en: (d) => refundReview(d, 'en', true),
    fr: (d) => refundReview(d, 'fr', true),
  },

  refund_approved: {
    en: (d) => {
      const amount = d.money();
      return {
        subject: `Your refund of ${amount} has been approved`,
        heading: 'Refund approved',
        blocks: [
          p(`Good news: your refund of ${amount} has been approved and is being sent back to your original payment method.`),
          p('We will email you again once the refund has been issued.'),
          details(['Refund reference', d.text('refund_id')]),
        ],
      };
    },
    fr: (d) => {
      const amount = d.money();
      return {
        subject: `Votre remboursement de ${amount} a été approuvé`,
        heading: 'Remboursement approuvé',
        blocks: [
          p(`Bonne nouvelle : votre remboursement de ${amount} a été approuvé et est en cours de versement sur votre moyen de paiement d’origine.`),
          p('Nous vous écrirons à nouveau dès que le remboursement aura été effectué.'),
          details(['Référence du remboursement', d.text('refund_id')]),
        ],
      };
    },
  },

  refund_denied: {
    en: (d) => {
      const id = d.text('refund_id');
      const amount = d.money();
      return {
        subject: `Your refund request of ${amount} was declined`,
        heading: 'Refund request declined',
        blocks: [
          p(`Your request for a refund of ${amount} was reviewed and declined.`),
          details(['Reason', d.text('decision_reason')], ['Refund reference', id]),
          p(d.optionalText('appeal_instructions') ??
            'If you disagree, you can appeal: reply to this email explaining why, or ask the merchant to file an appeal for you, quoting the refund reference above.'),
          p(`For the merchant: an appeal is filed with POST /v1/refunds/${id}/appeal.`),
        ],
      };
    },
    fr: (d) => {
      const id = d.text('refund_id');
      const amount = d.money();
      return {
        subject: `Votre demande de remboursement de ${amount} a été refusée`,
        heading: 'Demande de remboursement refusée',
        blocks: [
          p(`Votre demande de remboursement de ${amount} a été examinée et refusée.`),
          details(['Motif', d.text('decision_reason')], ['Référence du remboursement', id]),
          p(d.optionalText('appeal_instructions') ??
            'Si vous n’êtes pas d’accord, vous pouvez faire appel : répondez à cet e-mail en expliquant pourquoi, ou demandez au marchand de déposer un appel pour vous, en indiquant la référence ci-dessus.'),
          p(`Pour le marchand : un appel se dépose avec POST /v1/refunds/${id}/appeal.`),
        ],
      };
    },
  },

  refund_completed: {
    en: (d) => {
      const amount = d.money();
      return {
        subject: `Refund receipt: ${amount} is on its way`,
        heading: 'Refund receipt',
        blocks: [
          p(`We have refunded ${amount} to your original payment method.`),
          p('It usually appears on your statement within 5–10 business days, depending on your bank.'),
          details(['Amount refunded', amount], ['Refunded on', d.date('completed_at')], ['Refund reference', d.text('refund_id')], ['Original payment', d.text('payment_id')]),
          p('Keep this email as your refund receipt.'),
        ],
      };
    },
    fr: (d) => {
      const amount = d.money();
      return {
        subject: `Reçu de remboursement : ${amount} est en route`,
        heading: 'Reçu de remboursement',
        blocks: [
          p(`Nous avons remboursé ${amount} sur votre moyen de paiement d’origine.`),
          p('Le montant apparaît généralement sur votre relevé sous 5 à 10 jours ouvrables, selon votre banque.'),
          details(['Montant remboursé', amount], ['Remboursé le', d.date('completed_at')], ['Référence du remboursement', d.text('refund_id')], ['Paiement d’origine', d.text('payment_id')]),
          p('Conservez cet e-mail comme reçu de remboursement.'),
        ],
      };
    },
  },

  refund_alternative_method_needed: {
    en: (d) => {
      const amount = d.money();
      return {
        subject: `Action needed to receive your refund of ${amount}`,
        heading: 'We need your bank details to refund you',
        blocks: [
          p(`We could not send your refund of ${amount} back to your card: it may have expired or the account may be closed.`),
          details(['What happened', d.optionalText('failure_message')], ['Refund reference', d.text('refund_id')]),
          p('To receive the money by bank transfer instead, reply to this email with:'),
          p('• the IBAN of the bank account to credit\n• the account holder’s name'),
          p('Never send card numbers by email.'),
        ],
      };
    },
    fr: (d) => {
      const amount = d.money();
      return {
        subject: `Action requise pour recevoir votre remboursement de ${amount}`,
        heading: 'Nous avons besoin de vos coordonnées bancaires',
        blocks: [
          p(`Nous n’avons pas pu reverser votre remboursement de ${amount} sur votre carte : elle a peut-être expiré ou le compte a été clôturé.`),
          details(['Ce qui s’est passé', d.optionalText('failure_message')], ['Référence du remboursement', d.text('refund_id')]),
          p('Pour recevoir l’argent par virement bancaire, répondez à cet e-mail en indiquant :'),
          p('• l’IBAN du compte à créditer\n• le nom du titulaire du compte'),
          p('N’envoyez jamais de numéro de carte par e-mail.'),
        ],
      };
    },
  },
};

function failedPayment(d: TemplateData, language: Language): EmailContent {
  const amount = d.money();
  const code = d.text('failure_code');
  const known = FAILURE_EXPLANATIONS[language][code];
  const reason = known?.reason ?? d.optionalText('failure_message') ?? GENERIC_FAILURE[language].reason;
  const next = known?.next ?? GENERIC_FAILURE[language].next;
  if (language === 'en') {
    return {
      subject: `Your payment of ${amount} did not go through`,
      heading: 'Payment not completed',
      blocks: [
        p(`Your payment of ${amount} did not go through, and you have not been charged.`),
        details(['Reason', reason], ['Payment reference', d.text('payment_id')]),
        p(`What to do next: ${next}`),
      ],
    };
  }
  return {
    subject: `Votre paiement de ${amount} n’a pas abouti`,
    heading: 'Paiement non effectué',
    blocks: [
      p(`Votre paiement de ${amount} n’a pas abouti, et aucun montant ne vous a été débité.`),
      details(['Motif', reason], ['Référence du paiement', d.text('payment_id')]),
      p(`Que faire : ${next}`),
    ],
  };
}

function languageOf(locale: string): Language {
  return locale.trim().toLowerCase().split(/[-_]/)[0] === 'fr' ? 'fr' : 'en';
}

/** The caller's full locale (fr-BE, en-GB) formats numbers and dates when it matches the text's language. */
function formattingLocaleFor(locale: string, language: Language): string {
  const tag = locale.trim().replace(/_/g, '-');
  if (tag.toLowerCase().split('-')[0] !== language) return language;
  try {
    return Intl.NumberFormat.supportedLocalesOf(tag).length > 0 ? tag : language;
  } catch {
    return language; // not a well-formed language tag
  }
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}

function toText(content: EmailContent, language: Language): string {
  const colon = language === 'fr' ? ' : ' : ': '; // French puts a space before the colon
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

/** Renders one template in `locale` (fr, fr-BE… → French; anything else → English). Throws EmailTemplateError on bad data. */
export function renderEmail(template: EmailTemplateName, locale: string, data: Record<string, unknown>): RenderedEmail {
  const copy = TEMPLATES[template];
  if (!copy) throw new EmailTemplateError(`Unknown email template: ${String(template)}`);
  const language = languageOf(locale);
  const content = copy[language](new TemplateData(template, data, formattingLocaleFor(locale, language)));
  return { subject: content.subject, text: toText(content, language), html: toHtml(content, language) };
}
