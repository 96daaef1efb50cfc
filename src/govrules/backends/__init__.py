"""Rule-engine back-ends that run an :class:`~govrules.ir.EnginePlan`."""
