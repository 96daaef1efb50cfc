@pooled-budgets
Feature: Pooled and aligned budgets at place
  Places are to draw up ambitious plans to widen the health and care activity and spend that is
  overseen and funded at place, with 2026 as the target. Where NHS and council money is pooled,
  both sides must agree what each contributes, and the pool needs a legal basis: a section 75
  agreement (the Better Care Fund is pooled under one). Money that cannot lawfully be pooled is
  aligned instead, and an aligned budget keeps its money with its owner (decisions AMB-7, AMB-8,
  AMB-9).

  Background:
    Given a place that meets every national expectation

  @POOL-4 @POOL-5 @POOL-8 @POOL-9
  Scenario: A published expansion plan and a properly agreed section 75 pool
    When its arrangements are assessed on 30 September 2023
    Then criterion POOL-4 is met
    And criterion POOL-5 is not yet due and would be met today
    And criterion POOL-8 is met
    And criterion POOL-9 is met

  @POOL-4 @POOL-5
  Scenario: A place without a plan to widen its budgets
    Given the place has no expansion plan
    When its arrangements are assessed on 30 September 2023
    Then criterion POOL-4 is not met
    And the explanation names "Not declared"
    And criterion POOL-5 is not yet due and would not be met today
    And the place is not compliant

  @POOL-5
  Scenario: From April 2026 a place without a plan fails the 2026 target too
    Given the place has no expansion plan
    When its arrangements are assessed on 1 April 2026
    Then criterion POOL-5 is not met
    And the explanation names "Not declared"

  @POOL-4
  Scenario: A plan published only after the day of assessment
    Given the expansion plan was published on 1 November 2023
    When its arrangements are assessed on 30 September 2023
    Then criterion POOL-4 is not met

  @POOL-4
  Scenario: A plan published after its due date is met late
    When its arrangements are assessed on 30 September 2023
    Then criterion POOL-4 was met late, on 1 May 2023
    And the explanation names "after its due date of 1 April 2023"

  @POOL-5
  Scenario Outline: The plan must reach its full scope by 2026 (decision AMB-9)
    Given the expansion plan reaches its full scope in <year>
    When its arrangements are assessed on <day>
    Then criterion POOL-5 is <outcome>

    Examples: the 2026 target falls due at the end of March 2026, so a plan aiming at 2027 is not yet a failure in 2024
      | year | day           | outcome     |
      | 2027 | 30 June 2024  | not yet due |
      | 2027 | 30 March 2026 | not yet due |
      | 2025 | 31 March 2026 | met         |
      | 2026 | 31 March 2026 | met         |
      | 2027 | 31 March 2026 | not met     |
      | 2027 | 1 April 2026  | not met     |

  @POOL-5
  Scenario: A plan aiming past 2026 would not be met today
    Given the expansion plan reaches its full scope in 2027
    When its arrangements are assessed on 30 June 2024
    Then criterion POOL-5 is not yet due and would not be met today
    And the place is compliant

  @POOL-8
  Scenario Outline: Both the ICB and a council agree the contributions to a pool
    Given contributions to the "Better Care Fund" budget line were agreed by <parties>
    When its arrangements are assessed on 30 September 2023
    Then criterion POOL-8 is <outcome>

    Examples:
      | parties                                        | outcome |
      | the ICB and "Northshire County Council"        | met     |
      | the ICB                                        | not met |
      | "Northshire County Council"                    | not met |

  @POOL-8
  Scenario: In a county area a district council's agreement alone does not count
    Given the place's councils are:
      | name                             | tier  |
      | Northshire County Council        | upper |
      | Northshire Vale District Council | lower |
    And contributions to the "Better Care Fund" budget line were agreed by the ICB and "Northshire Vale District Council"
    When its arrangements are assessed on 30 September 2023
    Then criterion POOL-8 is not met
    And the explanation names "council with social care duties"

  @POOL-8
  Scenario: In a county area the county council's agreement counts
    Given the place's councils are:
      | name                             | tier  |
      | Northshire County Council        | upper |
      | Northshire Vale District Council | lower |
    When its arrangements are assessed on 30 September 2023
    Then criterion POOL-8 is met

  @POOL-8
  Scenario: A place that declares only a district council cannot show a council's agreement
    Given the place's councils are:
      | name                             | tier  |
      | Northshire Vale District Council | lower |
    And contributions to the "Better Care Fund" budget line were agreed by the ICB and "Northshire Vale District Council"
    When its arrangements are assessed on 30 September 2023
    Then criterion POOL-8 is not met

  @POOL-8
  Scenario: The explanation names the pool that lacks an agreement
    Given contributions to the "Better Care Fund" budget line were agreed by "Northshire County Council"
    When its arrangements are assessed on 30 September 2023
    Then criterion POOL-8 is not met
    And the explanation names "Better Care Fund"
    And the remedy names "lacking the ICB's agreement: Better Care Fund"

  @POOL-8
  Scenario: Only pooled budgets need both sides' agreement (decision AMB-8)
    Given contributions to the "Community health and public health prevention" budget line were agreed by "Northshire County Council"
    When its arrangements are assessed on 30 September 2023
    Then criterion POOL-8 is met

  @POOL-9
  Scenario Outline: The legal basis of a pooled budget
    Given the "Better Care Fund" budget line is pooled under <instrument>
    When its arrangements are assessed on 30 September 2023
    Then criterion POOL-9 is <outcome>

    Examples:
      | instrument              | outcome |
      | a section 75 agreement  | met     |
      | the Better Care Fund    | met     |
      | another instrument      | not met |
      | no legal instrument     | not met |

  @POOL-9
  Scenario: A pool on another instrument is referred for legal review
    Given the "Better Care Fund" budget line is pooled under another instrument
    When its arrangements are assessed on 30 September 2023
    Then criterion POOL-9 is not met
    And the explanation names "Better Care Fund: other"
    And the remedy names "review"

  @POOL-9
  Scenario: Money pooled without a legal basis should be declared as aligned
    Given the "Community health and public health prevention" budget line is pooled under no legal instrument
    When its arrangements are assessed on 30 September 2023
    Then criterion POOL-9 is not met
    And the explanation names "Community health and public health prevention"
    And the remedy names "aligned"

  @POOL-8 @POOL-9
  Scenario: A place with only aligned budgets has no pool to agree or to found
    Given the "Better Care Fund" budget line is aligned
    When its arrangements are assessed on 30 September 2023
    Then criterion POOL-8 is not applicable
    And criterion POOL-9 is not applicable
    And the place is compliant
