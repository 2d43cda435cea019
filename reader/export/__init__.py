"""Getting a library out again: its articles as JSON Lines or a folder tree of Markdown files,
its subscriptions as an OPML list; each written as it is read, in bounded memory, in a form that
`reader import` reads back.

Writers take what the store hands out (`reader.models`) and write bytes; the command line
(`reader export`) chooses what to export and where to.
"""
