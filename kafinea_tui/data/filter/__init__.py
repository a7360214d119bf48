"""The filter language of the list's filter bar, `--filter` and the API's `filter=`.

    text -> parser (an expression tree, errors with their column) -> compiler (parameterised SQL)

A value never becomes SQL text: the compiler returns a WHERE clause and its parameters.
"""
