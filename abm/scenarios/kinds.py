"""The kinds the model counts in: capabilities a mission needs and behavioural types, with the
integer codes the model's arrays use for them."""

CAPABILITIES = ("funds", "troops", "enablers")
FUNDS, TROOPS, ENABLERS = range(3)

STRATEGIES = ("conditional", "free_rider", "hump", "unconditional")
CONDITIONAL, FREE_RIDER, HUMP, UNCONDITIONAL = range(4)
