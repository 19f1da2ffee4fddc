# Spanish as read in Texas: numbers grouped as in U.S. and Mexican Spanish (1,316), dates as Django's "es".
from django.conf.locale.es.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
