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
    And criterion POOL-5 is met
    And criterion POOL-8 is met
    And criterion POOL-9 is met

  @POOL-4 @POOL-5
  Scenario: A place without a plan to widen its budgets
    Given the place has no expansion plan
    When its arrangements are assessed on 30 September 2023
    Then criterion POOL-4 is not met
    And criterion POOL-5 is not met
    And the explanation names "Not declared"
    And the place is not compliant

  @POOL-4
  Scenario: A plan published only after the day of assessment
    Given the expansion plan was published on 1 November 2023
    When its arrangements are assessed on 30 September 2023
    Then criterion POOL-4 is not met

  @POOL-5
  Scenario Outline: The plan must reach its full scope by 2026 (decision AMB-9)
    Given the expansion plan reaches its full scope in <year>
    When its arrangements are assessed on 30 September 2023
    Then criterion POOL-5 is <outcome>

    Examples:
      | year | outcome |
      | 2025 | met     |
      | 2026 | met     |
      | 2027 | not met |

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
