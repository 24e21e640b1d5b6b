"""The reviewer web page under `/review`: server-rendered (Jinja2 + htmx), cookie sessions, CSRF on every form."""
