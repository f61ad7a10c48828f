# The two commands of the README; the work is done by the scripts in bin/.
.PHONY: run test install messages

run:
	bin/run

test:
	bin/test

install:
	bin/install

# Refresh the translation catalogues after changing strings (needs GNU gettext).
messages:
	.venv/bin/python manage.py makemessages -l it -l en --ignore=.venv --ignore=node_modules --ignore="vicino/core/static/vendor/*"
