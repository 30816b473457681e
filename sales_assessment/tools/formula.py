"""Safe evaluator of KPI formulas, e.g. ``won / (won + lost) * 100``.

Contract:

* A formula is parsed with :func:`ast.parse` and checked against a whitelist:
  numbers (int or float), KPI codes (identifiers), binary ``+ - * /``, unary
  ``+ -``, parentheses, and calls of ``min(a, b, ...)``, ``max(a, b, ...)``,
  ``abs(x)`` and ``round(x)`` / ``round(x, digits)`` with positional
  arguments. Anything else (attributes, subscripts, strings, ``**``, ``//``,
  ``%``, comparisons, lambdas, keyword arguments, ...) is refused.
  ``min``, ``max``, ``abs`` and ``round`` are reserved: they are not KPI codes.
* A formula has at most :data:`MAX_LENGTH` characters and :data:`MAX_NODES`
  elements; line breaks and tabs count as spaces, and comments (``#``) are
  refused rather than silently ignored.
* Evaluation walks the checked tree once, into a postfix program cached per
  formula, then runs that program on floats (never ``eval``). A division by
  zero gives 0.0: a ratio of nothing is nothing, e.g. the win rate of a
  salesperson without closed opportunities is 0, not an error. ``round``
  rounds halves away from zero on the decimal value (``round(2.5) == 3.0``,
  ``round(2.675, 2) == 2.68``), digits being a whole number from -15 to 15.
  A value that is not finite (overflow) is an error.
* Every failure (syntax, unsupported element, unknown or missing KPI code,
  overflow, cycle) raises :class:`FormulaError`: its ``str()`` is an English
  message, its ``token`` attribute the offending text (or None), and its
  ``code`` and ``params`` say what failed for a caller that words the error
  itself (e.g. a translated sentence):

  ========================== ================================================= ===========
  code                       params                                            token
  ========================== ================================================= ===========
  ``empty``                                                                    None
  ``too_long``               ``max_length``                                    None
  ``syntax``                 ``column`` (None when not known)                  None
  ``too_nested``                                                               None
  ``too_complex``            ``max_nodes``                                     None
  ``unsupported``                                                              the element
  ``unsupported_function``   ``function``                                      the name
  ``function_not_called``    ``function``                                      the name
  ``arity``                  ``function``, ``min``, ``max`` (None: no maximum) the name
  ``number_out_of_range``                                                      the number
  ``round_digits``           ``max`` (digits run from -max to max)             ``round``
  ``unknown_code``           ``kpi_code``                                      the code
  ``missing_value``          ``kpi_code``                                      the code
  ``value_not_number``       ``kpi_code``                                      the code
  ``value_not_finite``       ``kpi_code``                                      the code
  ``out_of_range``                                                             None
  ``loop``                   ``loop`` (e.g. ``a → b → a``)                     the loop
  ========================== ================================================= ===========
"""

import ast
import functools
import math
import operator
from decimal import ROUND_HALF_UP, Context, Decimal

MAX_LENGTH = 1000
MAX_NODES = 400
MAX_ROUND_DIGITS = 15
_TOKEN_LENGTH = 40
_CONTEXT = Context(prec=1000, rounding=ROUND_HALF_UP)
# the number of arguments of each function: (min, max), None for no maximum
_ARITY = {
    "min": (2, None),
    "max": (2, None),
    "abs": (1, 1),
    "round": (1, 2),
}
FUNCTIONS = frozenset(_ARITY)
_SYMBOLS = {
    ast.Pow: "**",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.BitAnd: "&",
    ast.Invert: "~",
    ast.Not: "not",
    ast.And: "and",
    ast.Or: "or",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}
_OPEN, _DONE, _END = "open", "done", object()


class FormulaError(ValueError):
    """A formula is invalid or cannot be evaluated.

    ``code`` is the kind of failure and ``params`` its details (see the table
    of the module), ``token`` names the culprit; ``str()`` is in English.
    """

    def __init__(self, code, message, token=None, **params):
        super().__init__(message)
        self.code = code
        self.token = token
        self.params = params


def _divide(numerator, denominator):
    """Return numerator / denominator, or 0.0 when the denominator is 0."""
    return numerator / denominator if denominator else 0.0


def _round(number, digits=0):
    """Return ``number`` rounded half away from zero to ``digits`` decimals."""
    if digits != int(digits) or abs(digits) > MAX_ROUND_DIGITS:
        message = (
            "The digits of round() must be a whole number "
            f"from -{MAX_ROUND_DIGITS} to {MAX_ROUND_DIGITS}."
        )
        raise FormulaError("round_digits", message, "round", max=MAX_ROUND_DIGITS)
    exponent = Decimal(1).scaleb(-int(digits))
    return float(Decimal(repr(number)).quantize(exponent, context=_CONTEXT))


_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: _divide,
}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}
_CALLS = {"min": min, "max": max, "abs": abs, "round": _round}


def _token(node, text):
    """Return the text naming ``node``: its operator, or its source (shortened)."""
    op = getattr(node, "op", None) or next(iter(getattr(node, "ops", ())), None)
    if type(op) in _SYMBOLS:
        return _SYMBOLS[type(op)]
    segment = ast.get_source_segment(text, node) or type(node).__name__
    if len(segment) > _TOKEN_LENGTH:
        segment = segment[: _TOKEN_LENGTH - 1] + "…"
    return segment


def _unsupported(node, text):
    """Return the FormulaError refusing ``node``."""
    token = _token(node, text)
    return FormulaError("unsupported", f'Unsupported element "{token}" in formula', token)


def _check_constant(node, text):
    """Accept an int or float literal that fits a finite float."""
    if type(node.value) not in (int, float):
        raise _unsupported(node, text)
    try:
        finite = math.isfinite(float(node.value))
    except OverflowError:
        finite = False
    if not finite:
        token = _token(node, text)
        message = f'Number "{token}" is out of range in formula'
        raise FormulaError("number_out_of_range", message, token)
    return []


def _check_name(node, text):
    """Accept a KPI code; refuse a function name that is not called."""
    if node.id in FUNCTIONS:
        raise FormulaError(
            "function_not_called",
            f'Function "{node.id}" must be called, e.g. {node.id}(x), in formula',
            node.id,
            function=node.id,
        )
    return []


def _check_binop(node, text):
    """Accept + - * / between two operands."""
    if type(node.op) not in _BINARY:
        raise _unsupported(node, text)
    return [node.left, node.right]


def _check_unaryop(node, text):
    """Accept a leading + or -."""
    if type(node.op) not in _UNARY:
        raise _unsupported(node, text)
    return [node.operand]


def _check_call(node, text):
    """Accept min, max, abs and round with their number of positional arguments."""
    if not isinstance(node.func, ast.Name):
        raise _unsupported(node.func, text)
    name = node.func.id
    if name not in FUNCTIONS:
        message = f'Unsupported function "{name}" in formula'
        raise FormulaError("unsupported_function", message, name, function=name)
    extra = node.keywords + [arg for arg in node.args if isinstance(arg, ast.Starred)]
    if extra:
        raise _unsupported(extra[0], text)
    least, most = _ARITY[name]
    if len(node.args) < least or (most is not None and len(node.args) > most):
        message = f'Function "{name}" takes {_arguments(least, most)} in formula'
        raise FormulaError("arity", message, name, function=name, min=least, max=most)
    return list(node.args)


def _arguments(least, most):
    """Return the English of a number of arguments, e.g. "1 or 2 arguments"."""
    if most is None:
        return f"at least {least} arguments"
    if least == most:
        return f"{least} argument" if least == 1 else f"{least} arguments"
    return f"{least} or {most} arguments"


_CHECKS = {
    ast.Constant: _check_constant,
    ast.Name: _check_name,
    ast.BinOp: _check_binop,
    ast.UnaryOp: _check_unaryop,
    ast.Call: _check_call,
}
_INSTRUCTIONS = {
    ast.Constant: lambda node: ("push", float(node.value)),
    ast.Name: lambda node: ("load", node.id),
    ast.BinOp: lambda node: ("binary", _BINARY[type(node.op)]),
    ast.UnaryOp: lambda node: ("unary", _UNARY[type(node.op)]),
    ast.Call: lambda node: ("call", (node.func.id, len(node.args))),
}


def _children(node, text):
    """Validate ``node`` and return its operand nodes, left to right."""
    check = _CHECKS.get(type(node))
    if check is None:
        raise _unsupported(node, text)
    return check(node, text)


def _parse(text):
    """Return the expression tree of ``text``; any parser failure is a FormulaError."""
    code, column = "syntax", None
    try:
        return ast.parse(text, mode="eval")
    except SyntaxError as error:
        column = error.offset or None
        reason = f"{error.msg} (column {column})" if column else error.msg
    except (ValueError, OverflowError) as error:
        reason = str(error)
    except (RecursionError, MemoryError):
        code, reason = "too_nested", "too deeply nested"
    params = {"column": column} if code == "syntax" else {}
    raise FormulaError(code, f"Formula does not parse: {reason}", **params)


@functools.lru_cache(maxsize=512)
def _compile(text):
    """Check the formula ``text`` and return it as a postfix program.

    The program is a tuple of (kind, argument) instructions run by :func:`_run`.
    """
    program, pending, count = [], [(_parse(text).body, False)], 0
    while pending:
        node, checked = pending.pop()
        if checked:
            program.append(_INSTRUCTIONS[type(node)](node))
            continue
        count += 1
        if count > MAX_NODES:
            message = f"Formula is too complex (over {MAX_NODES} elements)."
            raise FormulaError("too_complex", message, max_nodes=MAX_NODES)
        children = _children(node, text)
        pending.append((node, True))
        pending.extend((child, False) for child in reversed(children))
    return tuple(program)


def _program(expr):
    """Return the checked program of the formula ``expr``."""
    if not isinstance(expr, str) or not expr.strip():
        raise FormulaError("empty", "The formula is empty.")
    text = " ".join(expr.split())
    if len(text) > MAX_LENGTH:
        message = f"Formula is too long (over {MAX_LENGTH} characters)."
        raise FormulaError("too_long", message, max_length=MAX_LENGTH)
    if "#" in text:
        raise FormulaError("unsupported", 'Unsupported element "#" in formula', "#")
    return _compile(text)


def _finite(function, *args):
    """Return ``function(*args)``; refuse a result that is not a finite number."""
    try:
        result = function(*args)
    except ArithmeticError as error:
        message = f"Formula result out of range: {error}"
        raise FormulaError("out_of_range", message) from error
    if not math.isfinite(result):
        raise FormulaError("out_of_range", "Formula result out of range.")
    return result


def _value(code, values):
    """Return the value of KPI ``code`` in ``values`` as a finite float."""
    if code not in values:
        message = f'Missing value for KPI code "{code}" in formula'
        raise FormulaError("missing_value", message, code, kpi_code=code)
    try:
        number = float(values[code])
    except (TypeError, ValueError, OverflowError) as error:
        message = f'The value of KPI code "{code}" is not a number'
        raise FormulaError("value_not_number", message, code, kpi_code=code) from error
    if not math.isfinite(number):
        message = f'The value of KPI code "{code}" is not a finite number'
        raise FormulaError("value_not_finite", message, code, kpi_code=code)
    return number


def _step(stack, kind, argument, values):
    """Run one instruction of a program on ``stack``."""
    if kind == "push":
        stack.append(argument)
    elif kind == "load":
        stack.append(_value(argument, values))
    elif kind == "unary":
        stack.append(argument(stack.pop()))
    elif kind == "binary":
        right = stack.pop()
        stack.append(_finite(argument, stack.pop(), right))
    else:
        name, count = argument
        args = stack[-count:]
        del stack[-count:]
        stack.append(_finite(_CALLS[name], *args))


def _run(program, values):
    """Return the value of a checked ``program`` with the KPI ``values``."""
    stack = []
    for kind, argument in program:
        _step(stack, kind, argument, values)
    return stack.pop() + 0.0


def formula_codes(expr):
    """Check the formula ``expr`` and return the set of KPI codes it refers to."""
    return {argument for kind, argument in _program(expr) if kind == "load"}


def check_formula(expr, known_codes=None):
    """Check the formula ``expr`` and return the set of KPI codes it refers to.

    When ``known_codes`` is given, a code outside of it raises a FormulaError
    naming the first such code in the formula.
    """
    program = _program(expr)
    known = None if known_codes is None else set(known_codes)
    for kind, argument in program:
        if kind == "load" and known is not None and argument not in known:
            message = f'Unknown KPI code "{argument}" in formula'
            raise FormulaError("unknown_code", message, argument, kpi_code=argument)
    return {argument for kind, argument in program if kind == "load"}


def evaluate(expr, values):
    """Return the value of the formula ``expr`` with ``values`` ({code: number}).

    A division by zero gives 0.0; a missing code or a result that is not a
    finite number raises :class:`FormulaError`.
    """
    return _run(_program(expr), values)


def _dependencies(graph, code):
    """Return the codes ``code`` depends on, in a stable order."""
    return iter(sorted(graph.get(code) or (), key=str))


def _explore(graph, root, state, order):
    """Search depth first from ``root``: append finished codes to ``order``.

    Return the first cycle met, as a path ending on its first code, or None.
    """
    path, branches = [root], [_dependencies(graph, root)]
    state[root] = _OPEN
    while path:
        child = next(branches[-1], _END)
        if child is _END:
            state[path[-1]] = _DONE
            order.append(path.pop())
            branches.pop()
        elif state.get(child) == _OPEN:
            return [*path[path.index(child) :], child]
        elif child not in state:
            state[child] = _OPEN
            path.append(child)
            branches.append(_dependencies(graph, child))
    return None


def _search(graph):
    """Return (order, cycle): codes with dependencies first, and a cycle or None."""
    codes = set(graph).union(*(deps or () for deps in graph.values()))
    state, order = {}, []
    for root in sorted(codes, key=str):
        if root not in state:
            cycle = _explore(graph, root, state, order)
            if cycle:
                return order, cycle
    return order, None


def find_cycle(graph):
    """Return a dependency cycle of ``graph`` ({code: codes}), e.g. ["a", "b", "a"].

    None when there is no cycle.
    """
    return _search(graph)[1]


def evaluation_order(graph):
    """Return every code of ``graph`` ({code: codes}), dependencies first.

    Codes that are only dependencies are included. A cycle raises a
    FormulaError naming it, e.g. "a → b → a".
    """
    order, cycle = _search(graph)
    if cycle:
        loop = " → ".join(cycle)
        message = f"KPI formulas refer to each other in a loop: {loop}"
        raise FormulaError("loop", message, loop, loop=loop)
    return order
