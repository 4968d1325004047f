"""The design steps, in the order the design phase takes them.

Each step module holds what its step decides and nothing else: an inputs model, and
``make_inputs``, ``inputs_from`` and ``apply`` over a design.
"""
