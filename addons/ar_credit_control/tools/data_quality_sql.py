"""Parameterised SQL of the AR data-quality checks (no ORM; one query per check).

Every query returns the columns ``res_id, partner_id, amount, reference`` for
the company ``company_id``: ``res_id`` is the record the issue is about,
``partner_id`` the commercial customer, ``amount`` in company currency (or NULL).
"""

from odoo.tools import SQL

from . import receivables


def customers_sql(company_id):
    """Ids of the company's commercial customers: its own customers, and the shared
    ones (no company) that have customer documents in the company."""
    return SQL(
        """
        SELECT p.id FROM res_partner p
         WHERE p.active AND p.id = p.commercial_partner_id AND p.customer_rank > 0
           AND (p.company_id = %(company)s
                OR (p.company_id IS NULL AND EXISTS (
                        SELECT 1 FROM account_move m
                         WHERE m.commercial_partner_id = p.id AND m.company_id = %(company)s
                           AND m.move_type IN ('out_invoice', 'out_refund'))))
        """,
        company=company_id,
    )


def debtors_sql(company_id):
    """Commercial customers that owe something (open items of ``receivables``) and the amount they owe."""
    return SQL(
        """
        SELECT items.partner_id, SUM(items.residual) AS amount
          FROM (%s) items
         WHERE items.residual > 0
      GROUP BY items.partner_id
        """,
        receivables.open_items_sql(company_id, None, as_of=False),
    )


def contact_without_email_sql(company_id, contact_types):
    """Debtors whose contact has no email.

    The contact is the first active child address of the first type found in
    ``contact_types`` (e.g. ``["dunning", "invoice"]``), else the commercial
    partner itself; ``res_id`` is that contact.
    """
    return SQL(
        """
        SELECT COALESCE(contact.id, d.partner_id) AS res_id, d.partner_id, d.amount, NULL AS reference
          FROM (%(debtors)s) d
          JOIN res_partner p ON p.id = d.partner_id
     LEFT JOIN LATERAL (
                SELECT c.id, c.email FROM res_partner c
                 WHERE c.parent_id = p.id AND c.active AND c.type::text = ANY(%(types)s)
              ORDER BY array_position(%(types)s, c.type::text), c.id
                 LIMIT 1) contact ON TRUE
         WHERE COALESCE(TRIM(CASE WHEN contact.id IS NULL THEN p.email ELSE contact.email END), '') = ''
        """,
        debtors=debtors_sql(company_id),
        types=list(contact_types),
    )


def missing_tax_id_sql(company_id):
    """Company customers with neither a VAT nor a company registration number."""
    return SQL(
        """
        SELECT p.id AS res_id, p.id AS partner_id, NULL::numeric AS amount, NULL AS reference
          FROM res_partner p
         WHERE p.id IN (%(customers)s) AND p.is_company
           AND COALESCE(TRIM(p.vat), '') = '' AND COALESCE(TRIM(p.company_registry), '') = ''
        """,
        customers=customers_sql(company_id),
    )


def customer_ids_sql(company_id):
    """Customers with a VAT or registration number: ``id, country code, vat, company_registry``."""
    return SQL(
        """
        SELECT p.id, country.code, p.vat, p.company_registry
          FROM res_partner p
     LEFT JOIN res_country country ON country.id = p.country_id
         WHERE p.id IN (%(customers)s)
           AND (COALESCE(TRIM(p.vat), '') <> '' OR COALESCE(TRIM(p.company_registry), '') <> '')
        """,
        customers=customers_sql(company_id),
    )


def duplicate_tax_id_sql(company_id):
    """Commercial partners of the company sharing a VAT number (compared without spaces,
    dots or dashes, upper case); ``reference`` is the shared number."""
    return SQL(
        """
        WITH numbered AS (
            SELECT p.id, UPPER(REGEXP_REPLACE(p.vat, '[^[:alnum:]]', '', 'g')) AS vat
              FROM res_partner p
             WHERE p.active AND p.id = p.commercial_partner_id
               AND (p.company_id IS NULL OR p.company_id = %(company)s)
               AND COALESCE(TRIM(p.vat), '') <> ''
        ), duplicates AS (
            SELECT vat FROM numbered GROUP BY vat HAVING COUNT(*) > 1
        )
        SELECT n.id AS res_id, n.id AS partner_id, NULL::numeric AS amount, n.vat AS reference
          FROM numbered n JOIN duplicates USING (vat)
      ORDER BY n.vat, n.id
        """,
        company=company_id,
    )


def unreconciled_payments_sql(company_id, cutoff):
    """Posted customer payments dated on or before ``cutoff`` whose receivable part is still open."""
    return SQL(
        """
        SELECT pay.id AS res_id, COALESCE(p.commercial_partner_id, p.id) AS partner_id,
               -SUM(aml.amount_residual) AS amount, MIN(aml.date)::text AS reference
          FROM account_move_line aml
          JOIN account_move m ON m.id = aml.move_id
          JOIN account_payment pay ON pay.id = m.origin_payment_id
          JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
          JOIN res_partner p ON p.id = aml.partner_id
         WHERE aml.company_id = %(company)s AND aml.parent_state = 'posted' AND NOT aml.reconciled
           AND aml.amount_residual < 0 AND aml.date <= %(cutoff)s
           AND pay.partner_type = 'customer' AND pay.payment_type = 'inbound'
      GROUP BY pay.id, COALESCE(p.commercial_partner_id, p.id)
        """,
        company=company_id,
        cutoff=cutoff,
    )


def invoices_without_due_date_sql(company_id):
    """Posted customer invoices without a due date (on the invoice or on a receivable line)."""
    return SQL(
        """
        SELECT m.id AS res_id, m.commercial_partner_id AS partner_id, m.amount_residual_signed AS amount,
               m.name AS reference
          FROM account_move m
         WHERE m.company_id = %(company)s AND m.state = 'posted' AND m.move_type = 'out_invoice'
           AND (m.invoice_date_due IS NULL OR EXISTS (
                    SELECT 1 FROM account_move_line aml
                      JOIN account_account acc ON acc.id = aml.account_id
                     WHERE aml.move_id = m.id AND acc.account_type = 'asset_receivable'
                       AND aml.date_maturity IS NULL))
        """,
        company=company_id,
    )
