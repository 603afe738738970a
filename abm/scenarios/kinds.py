"""The kinds the model counts in: capabilities a mission needs and behavioural types, with the
integer codes the model's arrays use for them."""

CAPABILITIES = ("funds", "troops", "enablers")
FUNDS, TROOPS, ENABLERS = range(3)

STRATEGIES = ("conditional", "free_rider", "hump", "unconditional")
# One colour per strategy type, in the studies' figures and in the classroom app alike.
STRATEGY_COLOURS = {"conditional": "#4c72b0", "free_rider": "#c44e52", "hump": "#dd8452",
                    "unconditional": "#55a868"}
CONDITIONAL, FREE_RIDER, HUMP, UNCONDITIONAL = range(4)
