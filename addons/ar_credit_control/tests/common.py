import contextlib

from odoo.tests import TransactionCase


class ArTransactionCase(TransactionCase):
    """Base test case of the suite.

    Odoo's ``assertRaises`` rolls the failed operation back to a savepoint but
    ``assertRaisesRegex`` does not; here both do, so a test can go on using
    the database after checking an error message.
    """

    @contextlib.contextmanager
    def assertRaisesRegex(self, expected_exception, expected_regex, msg=None):  # noqa: N802
        with self.assertRaises(expected_exception, msg=msg) as caught:
            yield caught
        self.assertRegex(str(caught.exception), expected_regex)
