"""The 人材台帳 (DX talent ledger): one person's DX journey, and HR's ledger of everyone.

Here in `certification`, the top app, because it puts together what every app below
knows: projects and roles, certifications, courses and qualifications (training)."""
