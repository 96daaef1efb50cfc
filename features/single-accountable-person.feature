@single-accountable-person
Feature: A single person accountable for shared outcomes at place
  The white paper expects every place to have one named person who answers for the place's
  shared outcomes, agreed by the integrated care board (ICB) and the councils with social care
  duties, in post by spring 2023 (we read this as 1 April 2023, decision AMB-1).

  Background:
    Given a place that meets every national expectation
    And the place is called "Northshire"

  @SAP-1
  Scenario: The accountable person is in post
    When its arrangements are assessed on 30 September 2023
    Then criterion SAP-1 is met

  @SAP-1
  Scenario: The accountable person has not yet taken up post
    Given the accountable person took up post on 1 November 2023
    When its arrangements are assessed on 30 September 2023
    Then criterion SAP-1 is not met

  @SAP-1
  Scenario Outline: An appointment made after the deadline is met, but late
    Given the accountable person took up post on <in post from>
    When its arrangements are assessed on 30 September 2023
    Then criterion SAP-1 is met
    And criterion SAP-1 <timeliness>

    Examples:
      | in post from  | timeliness                     |
      | 31 March 2023 | was met on time                |
      | 1 April 2023  | was met on time                |
      | 2 April 2023  | was met late, on 2 April 2023  |

  @SAP-1
  Scenario: Before the deadline the criterion is not yet due, but the report says how it stands
    Given no accountable person is named
    When its arrangements are assessed on 1 March 2023
    Then criterion SAP-1 is not yet due and would not be met today

  @SAP-2
  Scenario: The county council has not agreed the appointment
    Given the place's councils are:
      | name                      | tier  |
      | Northshire County Council | upper |
    And its accountable person was agreed by the ICB but not by "Northshire County Council"
    When its arrangements are assessed on 30 September 2023
    Then criterion SAP-2 is not met
    And the explanation names "Northshire County Council"
    And the remedy names "Northshire County Council"
    And the place is not compliant

  @SAP-2
  Scenario Outline: Whose agreement is needed depends on the council's tier (decision AMB-15)
    Given the place's councils are:
      | name                      | tier   |
      | Northshire County Council | upper  |
      | Eastmoor District Council | <tier> |
    And its accountable person was agreed by the ICB and "Northshire County Council"
    When its arrangements are assessed on 30 September 2023
    Then criterion SAP-2 is <outcome>

    Examples:
      | tier    | outcome |
      | lower   | met     |
      | unitary | not met |
      | upper   | not met |

  @SAP-2
  Scenario: The ICB's agreement alone is not enough where no council with social care duties is declared
    Given the place's councils are:
      | name                      | tier  |
      | Eastmoor District Council | lower |
    And its accountable person was agreed by the ICB
    When its arrangements are assessed on 30 September 2023
    Then criterion SAP-2 is not met
    And the explanation names "No council with social care duties"
    And the remedy names "upper-tier or unitary council"
    And the place is not compliant

  @SAP-2
  Scenario: Names match whether they write "&" or "and"
    Given the place's councils are:
      | name                         | tier    |
      | Bath & North Vale Council    | unitary |
    And its accountable person was agreed by the ICB and "Bath and North Vale Council"
    When its arrangements are assessed on 30 September 2023
    Then criterion SAP-2 is met

  @SAP-3
  Scenario Outline: The form of the accountable role (decision AMB-6)
    Given the accountable person holds <role>
    When its arrangements are assessed on 30 September 2023
    Then criterion SAP-3 is <outcome>

    Examples:
      | role                                | outcome |
      | a dual role across health and care  | met     |
      | the lead of the place arrangement   | met     |
      | another role                        | not met |

  @SAP-4
  Scenario: Co-chairs are not a single accountable person
    Given the place names co-chairs "Asha Rao" and "Ben Cole" as accountable
    When its arrangements are assessed on 30 September 2023
    Then criterion SAP-4 is not met
    And the explanation names "Asha Rao"

  @SAP-4
  Scenario: One person is named
    When its arrangements are assessed on 30 September 2023
    Then criterion SAP-4 is met

  @SAP-5
  Scenario Outline: The accountable person's remit and the shared outcomes
    Given the accountable person's remit <covers> the shared outcomes
    When its arrangements are assessed on 30 September 2023
    Then criterion SAP-5 is <outcome>

    Examples:
      | covers         | outcome |
      | covers         | met     |
      | does not cover | not met |
