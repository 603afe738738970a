"""The eight phases of a mandate cycle, one module each (docs/ODD.md, section 3).

Each phase is a function of explicit inputs that returns a small result and changes none of
its inputs: ``negotiation.negotiate_mandates``, ``pledging.pledge`` (with
``conference.Conference``) and ``side_payments.make_deals``, ``delivery.deliver``,
``outcome.assess``, ``payoffs.settle``, ``accountability.hold_to_account``, ``trust.update``
and ``adaptation.adapt``.
"""
