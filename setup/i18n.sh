#!/usr/bin/env bash
# Refresh the translation templates (.pot) and the Chinese catalogues (zh_CN.po)
# of the three addons from a fresh database; existing translations are kept,
# new strings come out untranslated (tests/test_repository.py then fails until
# they are translated).
#   setup/i18n.sh [--odoo-src PATH]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_common_args "$@"
prepare
DB="${AR_I18N_DB:-ar_i18n}"
drop_db "$DB"
odoo -d "$DB" -i "$AR_ADDONS" --without-demo=all --load-language=zh_CN --stop-after-init --log-level=warn
for addon in ${AR_ADDONS//,/ }; do
    # export to temporary files: Odoo reads the code translations from the
    # module's own zh_CN.po while exporting, so it must not be truncated first
    tmp="$(mktemp -d)"
    odoo -d "$DB" --i18n-export="$tmp/$addon.pot" --modules="$addon" --stop-after-init --log-level=warn
    odoo -d "$DB" --i18n-export="$tmp/zh_CN.po" --modules="$addon" -l zh_CN --stop-after-init --log-level=warn
    mv "$tmp/$addon.pot" "$tmp/zh_CN.po" "$REPO_ROOT/addons/$addon/i18n/"
    rmdir "$tmp"
    log "$addon: $(grep -c '^msgid' "$REPO_ROOT/addons/$addon/i18n/$addon.pot") strings"
done
drop_db "$DB"
