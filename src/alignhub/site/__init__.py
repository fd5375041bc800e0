"""The catalog as a website: page views, the filter index, build-time charts and the page renderer.

`alignhub.site.pages.render_site` turns a loaded catalog into every generated page and asset; the
MkDocs plugin (`alignhub.site.plugin`) hands those to MkDocs in memory. Nothing here touches the
network or writes files.
"""
