"""Settings: the dialog (`dialog`), one module per page of it (`you`, `working_time`,
`calendar_accounts` with its `account_form`, `email_sending`), and the Settings… action that
opens it (`action`), which loads the dialog only when first opened.
"""
