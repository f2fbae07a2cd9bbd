# Where Django formats a date itself (a page we do not template, e.g. simple-history's
# list): the same shape as our helper (`accounts/fiscal.py`), 2026年11月30日 17:00 with a
# space before the time. Django's formats have no Japanese era; our templates and the
# admin's columns use the helper, which writes 令和.
DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 G:i"
SHORT_DATE_FORMAT = "Y/m/d"
SHORT_DATETIME_FORMAT = "Y/m/d G:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
TIME_FORMAT = "G:i"
