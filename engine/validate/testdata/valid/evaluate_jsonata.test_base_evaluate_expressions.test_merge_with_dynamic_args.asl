{
 "Comment": "BASE_PASS",
 "QueryLanguage": "JSONata",
 "StartAt": "Start",
 "States": {
  "Start": {
   "Type": "Pass",
   "Output": "{% $merge([$states.input.part1, $states.input.part2]) %}",
   "End": true
  }
 }
}